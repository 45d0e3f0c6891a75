"""The library calls behind the read routes, returning JSON-ready records.

Each function takes the network (and the store where stored flows or lists are
read) and the request's options, calls the library and returns records shaped
as the CLI's ``--format json`` output.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from paxsilica.analytics.chokepoints import chokepoints
from paxsilica.analytics.criticality import published_eu_crm_2017
from paxsilica.analytics.exposure import (
    exposure,
    exposure_change,
    exposure_summary,
    origin_dependence,
)
from paxsilica.analytics.multitier import MODES, multitier_exposure
from paxsilica.analytics.network import sourcing_network
from paxsilica.errors import NotFoundError, PaxsilicaError
from paxsilica.io.records import EXPOSURE_JSON_KEYS, json_records, ordered_columns, rounded
from paxsilica.model.country import country_name, is_country
from paxsilica.model.network import StackNetwork, as_date, end_items
from paxsilica.service.problems import ProblemError
from paxsilica.store import Store

__all__ = ["chokepoint_records", "country_records", "criticality_records", "exposure_job",
           "exposure_records",
           "records", "source_records", "table_records"]


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts, exactly as ``--format json`` prints them (numbers rounded
    as the CLI rounds them, NaN → null, dates as ISO text, numpy scalars as numbers)."""
    return json_records(rounded(frame))


def check_names(net: StackNetwork, **names: str | None) -> None:
    """Unknown ``item``, ``stage``, ``group`` or ``concern`` → 422 naming the parameter."""
    for parameter, value in names.items():
        if value is None:
            continue
        try:
            if parameter in ("group", "concern"):
                net.group(value)
            elif parameter == "stage":
                if value not in net.stage_order:
                    raise NotFoundError(f"unknown stage {value!r} (known: "
                                        f"{', '.join(net.stages['stage_id'])})")
            elif parameter == "item":
                net.resolve_items(value)
            elif parameter in ("as_of", "compare"):
                as_date(value)
        except PaxsilicaError as exc:
            raise ProblemError(422, str(exc), parameter) from None


def exposure_records(store: Store | None, net: StackNetwork, *, item: str | None, stage: str | None,
                     group: str, concern: str, as_of: str | None, year: int | None, latest: bool,
                     summary: bool, compare: str | None, tiers: str, mode: str | None,
                     by_country: bool) -> list[dict]:
    """What ``paxsilica exposure --format json`` prints for the same options (``store`` is
    unused: the network carries the stored trade flows)."""
    if tiers == "all":
        if year is not None:
            raise ProblemError(422, "year does not apply to tiers=all: each item uses its latest "
                                    "non-projection year on or before as_of", "year")
        if compare is not None:
            raise ProblemError(422, "compare works with tiers=direct only", "compare")
        if mode is not None and mode not in MODES:
            raise ProblemError(422, f"unknown mode {mode!r} (use {' or '.join(MODES)})", "mode")
    elif mode is not None or by_country:
        raise ProblemError(422, "mode and by_country need tiers=all",
                           "mode" if mode is not None else "by_country")
    check_names(net, item=item, stage=stage, group=group, concern=concern, as_of=as_of,
                compare=compare)
    selection = {"item": item, "stage": stage, "year": year, "latest": latest}
    if tiers == "all":
        day = as_date(as_of)
        if by_country:
            table = origin_dependence(net, item=item, stage=stage, group=group, concern=concern,
                                      as_of=day, mode=mode or "essential")
        else:
            table = multitier_exposure(net, group=group, concern=concern, as_of=day, item=item,
                                       stage=stage, mode=mode or "essential")
            if summary:
                table = table[(table["role"] == "market") & (table["country"] == "WLD")]
        return records(table.reset_index(drop=True))
    if compare is not None:
        return records(exposure_change(net, compare, as_of or date.today().isoformat(), group=group,
                                       **selection))
    day = None if as_of is None else as_date(as_of)
    if summary:
        return records(exposure_summary(net, group=group, concern=concern, as_of=day, **selection))
    table = exposure(net, group=group, concern=concern, as_of=day, **selection)
    at = table.columns.get_loc("is_concern") + 1  # the parameters used, as the CLI adds them
    table.insert(at, "as_of", table.attrs["as_of"])
    table.insert(at + 1, "group", group)
    return records(table[ordered_columns(table, EXPOSURE_JSON_KEYS)])


def exposure_job(net: StackNetwork, *, item: str | None = None, stage: str | None = None,
                 year: int | None = None, group: str = "pax_silica",
                 concern: str = "countries_of_concern", as_of: str | None = None,
                 latest: bool = False) -> list[dict]:
    """The ``exposure`` job: what ``GET /api/v1/exposure`` answers (direct tiers)."""
    return exposure_records(None, net, item=item, stage=stage, group=group, concern=concern,
                            as_of=as_of, year=year, latest=latest, summary=False, compare=None,
                            tiers="direct", mode=None, by_country=False)


def table_records(frame: pd.DataFrame) -> list[dict]:
    """A network table (items, groups, memberships) as records."""
    return records(frame.reset_index(drop=True))


def country_records(net: StackNetwork, as_of: str | None) -> list[dict]:
    """Every country or region in the supplies and memberships, with its name, whether it is a
    country, and the groups it belongs to on ``as_of``."""
    day = as_date(as_of)
    codes = sorted(set(net.supplies["country"].dropna()) | set(net.memberships["country"].dropna()))
    members = {group: net.members(group, day) for group in net.groups["group_id"]}
    rows = [{"country": code, "name": country_name(code), "is_country": is_country(code),
             "groups": [group for group, found in members.items() if code in found],
             "as_of": day.isoformat()} for code in codes]
    return rows


SOURCE_TABLES = ("supplies", "recipes", "memberships", "companies", "facilities", "ownership",
                 "export_controls", "items", "groups")


def source_records(net: StackNetwork) -> list[dict]:
    """Every cited source: title, URL, the tables citing it, how many rows, their confidence
    levels and bases."""
    frames = []
    for name in SOURCE_TABLES:
        frame = getattr(net, name)
        columns = [c for c in ("source", "source_url", "confidence", "basis") if c in frame.columns]
        frames.append(frame[columns].assign(table=name))
    cited = pd.concat(frames, ignore_index=True).dropna(subset=["source"])
    rows = []
    for source, group in cited.groupby("source", sort=True):
        urls = sorted(set(group["source_url"].dropna()))
        rows.append({"source": source, "source_url": urls[0] if urls else None,
                     "tables": sorted(set(group["table"])), "rows": len(group),
                     "confidence": sorted(set(group["confidence"].dropna())),
                     "basis": sorted(set(group["basis"].dropna()))})
    return rows


def chokepoint_records(store: Store, net: StackNetwork, *, item: list[str] | None, top: int,
                       mode: str, as_of: str | None, nodes_only: bool) -> list[dict]:
    """What ``paxsilica chokepoints --format json`` prints for the same options."""
    if mode not in MODES:
        raise ProblemError(422, f"unknown mode {mode!r} (use {' or '.join(MODES)})", "mode")
    for name in item or []:
        check_names(net, item=name)
    check_names(net, as_of=as_of)
    day = as_date(as_of)
    wanted = ([found for name in item for found in net.resolve_items(name)] if item
              else end_items(net))
    snet = sourcing_network(net, as_of=day)  # the network's stored trade flows
    return records(chokepoints(net, end_item=wanted, top=top, as_of=day, mode=mode,
                               links=not nodes_only, snet=snet))


def criticality_records(critical: bool | None) -> list[dict]:
    """The European Commission's published 2017 CRM results (cited), optionally only the
    materials on (``True``) or off (``False``) the 2017 list."""
    frame = published_eu_crm_2017()
    if critical is not None:
        frame = frame[frame["critical_2017"] == critical]
    return records(frame.reset_index(drop=True))
