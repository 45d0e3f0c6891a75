"""``paxsilica criticality``: EU CRM (SR, EI, critical) or USGS 2021 supply risk from CSV inputs.

Parses arguments and prints :func:`paxsilica.analytics.criticality.criticality`; the
readers are in :mod:`paxsilica.io.criticality`.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from paxsilica.analytics.criticality import criticality
from paxsilica.cli.common import OutputFormat, emit
from paxsilica.errors import RowError, ValidationError

__all__ = ["register"]


class Method(StrEnum):
    """Criticality method."""

    eu_crm = "eu-crm"
    usgs_2021 = "usgs-2021"


def criticality_command(
    materials_file: Annotated[Path, typer.Argument(help="MATERIALS.csv (columns depend on --method)")],
    method: Annotated[Method, typer.Option(help="eu-crm or usgs-2021")] = Method.eu_crm,
    uses: Annotated[Path | None, typer.Option(help="USES.csv material,sector,share (eu-crm EI)")] = None,
    sectors: Annotated[Path | None, typer.Option(help="SECTORS.csv sector,value_added (eu-crm EI)")] = None,
    shares: Annotated[Path | None, typer.Option(
        help="SHARES.csv material,scope,country,share,wgi[,t]: compute hhi_gs/hhi_eu (eu-crm)")] = None,
    threshold: Annotated[float | None, typer.Option(
        help="usgs-2021: flag supply_risk ≥ this as critical")] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="table, json or csv")] = OutputFormat.table,
) -> None:
    """Criticality of raw materials by the EU CRM method (SR, EI, critical when SR ≥ 1 and
    EI ≥ 2.8) or the USGS 2021 supply-risk screen. See docs/criticality.md for the columns.

    JSON output (eu-crm) is a list of {material, sr, ei, critical, supply_used, ...input columns}.
    """
    if method is Method.eu_crm and (uses is None) != (sectors is None):
        raise ValidationError([RowError(str(uses or sectors), None, None,
                                        "--uses and --sectors go together; give both or neither")])
    table = criticality(materials_file, method=method.value, uses=uses, sectors=sectors,
                        shares=shares, threshold=threshold)
    emit(table, fmt, title="USGS 2021 supply risk" if method is Method.usgs_2021
         else "EU CRM criticality")


def register(app: typer.Typer) -> None:
    """Add the ``criticality`` command."""
    app.command("criticality")(criticality_command)
