"""``paxsilica exposure``: shares, HHI, concern share and coalition coverage."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

import typer

from paxsilica.analytics.exposure import exposure, exposure_change, exposure_summary
from paxsilica.cli.common import DbOption, OutputFormat, emit, store_for
from paxsilica.model.network import StackNetwork, as_date

__all__ = ["register"]

JSON_KEYS = ["item", "stage", "year", "country", "share", "hhi", "concern_share",
             "coalition_share", "as_of", "sources"]


class Tiers(StrEnum):
    """Direct shares, or embodied shares through all recipe tiers."""

    direct = "direct"
    all = "all"


def _date(value: str | None) -> date | None:
    return None if value is None else as_date(value)


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
    fmt: Annotated[OutputFormat, typer.Option("--format", help="table, json or csv")] = OutputFormat.table,
    db: DbOption = None,
) -> None:
    """Who supplies each item, how concentrated, how much from countries of concern,
    and how much the coalition covers, as of a date.

    JSON output is a list of records with the keys item, stage, year, country, share,
    hhi, concern_share, coalition_share, as_of, sources (plus more).
    """
    store = store_for(ctx, db)
    net = StackNetwork.from_store(store)
    selection = {"item": item, "stage": stage, "year": year, "latest": latest}
    if tiers is Tiers.all:
        from paxsilica.analytics.multitier import multitier_exposure
        from paxsilica.store.trade import trade_flows

        table = multitier_exposure(net, group=group, concern=concern, as_of=_date(as_of),
                                   item=item, stage=stage, trade=trade_flows(store))
        emit(table.drop(columns=["group", "concern"]) if fmt is OutputFormat.table else table, fmt,
             title=f"Multi-tier exposure (essential inputs, all tiers, as of {as_date(as_of)})")
        return
    if compare is not None:
        table = exposure_change(net, compare, as_of or date.today().isoformat(), group=group,
                                **selection)
        emit(table, fmt, title=f"Coverage change {compare} → {as_of or 'today'}")
        return
    if summary:
        table = exposure_summary(net, group=group, concern=concern, as_of=_date(as_of),
                                 **selection)
        emit(table, fmt, title="Exposure summary")
        return
    table = exposure(net, group=group, concern=concern, as_of=_date(as_of), **selection)
    if fmt is OutputFormat.table:
        view = table[["item", "stage", "year", "country", "share", "hhi", "concern_share",
                      "coalition_share", "is_member", "confidence"]]
        emit(view, fmt, title=f"Exposure as of {table['as_of'].iloc[0]} ({group})")
        return
    ordered = JSON_KEYS + [c for c in table.columns if c not in JSON_KEYS]
    emit(table[ordered], fmt)


def register(app: typer.Typer) -> None:
    """Add the ``exposure`` command."""
    app.command("exposure")(exposure_command)
