"""``paxsilica criticality``: EU CRM (SR, EI, critical) or USGS 2021 supply risk from CSV inputs.

Builds a :class:`~paxsilica.requests.criticality.CriticalityRequest` and prints its
answer; the readers are in :mod:`paxsilica.io.criticality`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from paxsilica.cli.common import OutputFormat, emit
from paxsilica.requests.choices import Method

__all__ = ["register"]


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
    from paxsilica.requests.criticality import CriticalityRequest, answer_criticality

    request = CriticalityRequest.parse(materials=materials_file, method=method, uses=uses,
                                       sectors=sectors, shares=shares, threshold=threshold)
    table = answer_criticality(request)
    emit(table, fmt, title=table.attrs["title"])


def register(app: typer.Typer) -> None:
    """Add the ``criticality`` command."""
    app.command("criticality")(criticality_command)
