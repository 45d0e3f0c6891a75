"""``paxsilica exposure``: shares, HHI, concern share and coalition coverage."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

import pandas as pd
import typer

from paxsilica.analytics.exposure import (
    exposure,
    exposure_change,
    exposure_summary,
    origin_dependence,
    unlocated_items,
)
from paxsilica.analytics.multitier import MODES, multitier_exposure
from paxsilica.analytics.network import sourcing_basis
from paxsilica.cli.common import (
    DbOption,
    OutputFormat,
    WideOption,
    emit,
    err_console,
    say_item_choice,
    store_for,
)
from paxsilica.errors import PaxsilicaError
from paxsilica.io.records import EXPOSURE_JSON_KEYS, ordered_columns
from paxsilica.model.network import StackNetwork, as_date

__all__ = ["register"]



class Tiers(StrEnum):
    """Direct shares, or embodied shares through all recipe tiers."""

    direct = "direct"
    all = "all"


def _date(value: str | None) -> date | None:
    return None if value is None else as_date(value)


def _unlocated_note(unlocated: pd.DataFrame, group: str) -> str | None:
    """One line naming the items whose own output the data do not locate (or None)."""
    if unlocated.empty:
        return None
    names = [f"{i} ({s:.0%} unlocated)" for i, s in
             zip(unlocated["item"], unlocated["unlocated_share"], strict=True)]
    listed = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
    return (f"note: no cited producing country for the own output of {listed}: "
            "unattributed_share counts that part as at risk and coalition_share as lost; "
            f"coalition_share_max assumes it is made inside {group}. --by-country lists the "
            "countries reached through the located inputs.")


def _multitier(net: StackNetwork, *, item: str | None, stage: str | None, group: str,
               concern: str, as_of: str | None, mode: str, summary: bool, by_country: bool,
               fmt: OutputFormat, wide: bool = False) -> None:
    """``exposure --tiers all``: embodied shares, or per-country dependence, on stored flows."""
    day = as_date(as_of)
    table = multitier_exposure(net, group=group, concern=concern, as_of=day, item=item,
                               stage=stage, mode=mode)
    title = f"{mode} mode, all tiers, as of {day}; sourcing: {sourcing_basis(net.trade_flows, day)}"
    note = _unlocated_note(unlocated_items(table), group)
    if by_country:
        table = origin_dependence(net, item=item, stage=stage, group=group, concern=concern,
                                  as_of=day, mode=mode)
        if fmt is OutputFormat.table:
            table = table.assign(country=table["country"].replace("", "(not in data)")).drop(
                columns=["node", "mode", "as_of"])
        title = f"Dependence on each origin country alone ({title})"
    else:
        if summary:
            table = table[(table["role"] == "market") & (table["country"] == "WLD")]
        if fmt is OutputFormat.table:
            # world rows only: node market:WLD:<item>, role market and country WLD say nothing
            table = table.drop(columns=["group", "concern", "mode", "as_of",
                                        *(["node", "role", "country"] if summary else [])])
        title = f"Multi-tier exposure ({title})"
    emit(table.reset_index(drop=True), fmt, title=title, wide=wide)
    if note is not None:
        err_console.print(note, highlight=False, soft_wrap=True)


def _secondary(ctx: typer.Context, db: object, *, item: str | None, group: str, concern: str,
               as_of: str | None, fmt: OutputFormat, wide: bool) -> None:
    """``exposure --secondary``: primary vs secondary (recycled) supply per item."""
    from paxsilica.analytics.secondary import supply_by_type

    net = StackNetwork.from_store(store_for(ctx, db, read_only=True))  # type: ignore[arg-type]
    table = supply_by_type(net, item=item, group=group, concern=concern, as_of=_date(as_of))
    if fmt is OutputFormat.table:
        table = table.drop(columns=["sources", "basis"]).assign(
            secondary_year=table["secondary_year"].map(lambda y: "" if pd.isna(y) else str(y)))
    emit(table, fmt, title=f"Primary vs secondary supply as of {table.attrs['as_of']} ({group})",
         wide=wide)


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

    With --secondary: one row per item with a world secondary (recycled) share: primary
    and secondary shares, the recycled part placed in countries of concern and in the
    group (with an upper bound counting the unplaced part as of concern).

    With --tiers all: every node's shares through all recipe tiers, sourced from stored
    trade flows where imported (else the global pool); --summary keeps the world-supply
    row of each item, --by-country lists the origin countries. Each item uses its latest
    non-projection year on or before --as-of, so --year and --compare do not apply.
    """
    if secondary:
        if tiers is Tiers.all or compare is not None or year is not None or by_country:
            raise PaxsilicaError("--secondary works alone (with --item, --group, --concern, "
                                 "--as-of): each item uses its latest observed year")
        _secondary(ctx, db, item=item, group=group, concern=concern, as_of=as_of, fmt=fmt,
                   wide=wide)
        return
    if tiers is Tiers.all:
        if year is not None:
            raise PaxsilicaError("--year does not apply to --tiers all: each item uses its latest "
                                 "non-projection year on or before --as-of")
        if compare is not None:
            raise PaxsilicaError("--compare works with --tiers direct only; for all tiers run "
                                 "the command once per --as-of date")
        if mode is not None and mode not in MODES:
            raise PaxsilicaError(f"unknown mode {mode!r} (use {' or '.join(MODES)})")
    elif mode is not None or by_country:
        raise PaxsilicaError("--mode and --by-country need --tiers all")
    net = StackNetwork.from_store(store_for(ctx, db, read_only=True))
    if item is not None:
        say_item_choice(net, item, stage)
    selection = {"item": item, "stage": stage, "year": year, "latest": latest}
    if tiers is Tiers.all:
        _multitier(net, item=item, stage=stage, group=group, concern=concern,
                   as_of=as_of, mode=mode or "essential", summary=summary,
                   by_country=by_country, fmt=fmt, wide=wide)
        return
    if compare is not None:
        table = exposure_change(net, compare, as_of or date.today().isoformat(), group=group,
                                **selection)
        emit(table, fmt, title=f"Coverage change {compare} → {as_of or 'today'}", wide=wide)
        return
    if summary:
        table = exposure_summary(net, group=group, concern=concern, as_of=_date(as_of),
                                 **selection)
        emit(table, fmt, title="Exposure summary", wide=wide)
        return
    table = exposure(net, group=group, concern=concern, as_of=_date(as_of), **selection)
    at = table.columns.get_loc("is_concern") + 1  # the parameters used, as columns
    table.insert(at, "as_of", table.attrs["as_of"])
    table.insert(at + 1, "group", group)
    if fmt is OutputFormat.table:
        view = table[["item", "stage", "year", "country", "share", "hhi", "concern_share",
                      "coalition_share", "is_member", "confidence"]]
        emit(view, fmt, title=f"Exposure as of {table['as_of'].iloc[0]} ({group})", wide=wide)
        return
    emit(table[ordered_columns(table, EXPOSURE_JSON_KEYS)], fmt)


def register(app: typer.Typer) -> None:
    """Add the ``exposure`` command."""
    app.command("exposure")(exposure_command)
