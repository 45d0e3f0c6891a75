"""``paxsilica exposure``: shares, HHI, concern share and coalition coverage."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from paxsilica.cli.common import (
    DbOption,
    OutputFormat,
    WideOption,
    emit,
    network_for,
    print_notes,
)
from paxsilica.requests.choices import Tiers

if TYPE_CHECKING:
    import pandas as pd

    from paxsilica.requests.exposure import ExposureRequest

__all__ = ["register"]

DIRECT_TABLE = ["item", "stage", "year", "country", "share", "hhi", "concern_share",
                "coalition_share", "is_member", "confidence"]
"""Columns of the direct-tier terminal table (JSON and CSV have every column)."""


def _table_view(table: pd.DataFrame, request: ExposureRequest) -> pd.DataFrame:
    """What the terminal table shows of the answer (formatting only)."""
    if request.secondary:
        return table.drop(columns=["sources", "basis"]).assign(
            secondary_year=table["secondary_year"].astype("string").fillna(""))
    if request.tiers is Tiers.all:
        if request.by_country:
            return table.assign(country=table["country"].replace("", "(not in data)")).drop(
                columns=["node", "mode", "as_of"])
        # world rows only: node market:WLD:<item>, role market and country WLD say nothing
        return table.drop(columns=["group", "concern", "mode", "as_of",
                                   *(["node", "role", "country"] if request.summary else [])])
    if request.compare is None and not request.summary:
        return table[DIRECT_TABLE]
    return table


def exposure_command(
    ctx: typer.Context,
    item: Annotated[str | None, typer.Option(help="Item id or alias, e.g. rare_earth_oxide")] = None,
    stage: Annotated[str | None, typer.Option(help="Stage, e.g. mine, refining, fabrication")] = None,
    group: Annotated[str, typer.Option(help="Group whose coverage to report")] = "pax_silica",
    concern: Annotated[str, typer.Option(help="Group of countries of concern")] = "countries_of_concern",
    as_of: Annotated[str | None, typer.Option("--as-of", help="Membership date YYYY-MM-DD (default today)")] = None,
    year: Annotated[int | None, typer.Option(help="Only this data year")] = None,
    latest: Annotated[bool, typer.Option("--latest", help="Only the latest non-projection year per item")] = False,
    summary: Annotated[bool, typer.Option("--summary", help="One row per item, stage and year")] = False,
    compare: Annotated[
        str | None, typer.Option("--compare", help="Show coverage change from this date to --as-of")
    ] = None,
    tiers: Annotated[Tiers, typer.Option(help="direct shares or all tiers (embodied)")] = Tiers.direct,
    mode: Annotated[str | None, typer.Option(
        help="With --tiers all: essential (Leontief, default) or weighted (all inputs)")] = None,
    by_country: Annotated[bool, typer.Option(
        "--by-country", help="With --tiers all: dependence of each item's world supply on "
                             "each origin country alone, through all tiers")] = False,
    secondary: Annotated[bool, typer.Option(
        "--secondary", help="Primary vs secondary (recycled) shares of each item's world "
                            "supply, and who recycles it")] = False,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="table, json or csv")] = OutputFormat.table,
    wide: WideOption = False,
    db: DbOption = None,
) -> None:
    """Who supplies each item, how concentrated, how much from countries of concern,
    and how much the coalition covers, as of a date.

    JSON output is a list of records with the keys item, stage, year, country, share,
    hhi, concern_share, coalition_share, as_of, sources (plus more).

    With --tiers all: every node's shares through all recipe tiers, sourced from stored
    trade flows where imported (else the global pool); --summary keeps the world-supply
    row of each item, --by-country lists the origin countries. Each item uses its latest
    non-projection year on or before --as-of, so --year and --compare do not apply.

    With --secondary: one row per item with a world secondary (recycled) share: primary
    and secondary shares, the recycled part placed in countries of concern and in the
    group (with an upper bound counting the unplaced part as of concern).
    """
    from paxsilica.requests.exposure import ExposureRequest, answer_exposure

    request = ExposureRequest.parse(
        item=item, stage=stage, group=group, concern=concern, as_of=as_of, year=year,
        latest=latest, summary=summary, compare=compare, tiers=tiers, mode=mode,
        by_country=by_country, secondary=secondary)
    table = answer_exposure(network_for(ctx, db), request)
    shown = _table_view(table, request) if fmt is OutputFormat.table else table
    emit(shown, fmt, title=table.attrs["title"] if fmt is OutputFormat.table else "", wide=wide)
    print_notes(table)


def register(app: typer.Typer) -> None:
    """Add the ``exposure`` command."""
    app.command("exposure")(exposure_command)
