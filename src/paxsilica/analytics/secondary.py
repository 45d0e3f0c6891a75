"""Primary against secondary (recycled) supply: how much of each item's supply is
recycled, and who recycles it, as of a date.

Secondary rows live in their own table (``secondary_supplies``, see
:mod:`paxsilica.model.secondary`), so the producer shares of ``supplies`` (which the
exposure, simulator and planner read) keep their meaning. Two views:

- :func:`secondary_supply` — the cited rows, one per item, country, year, ``share_of`` and
  ``measure``, with the country's group flags;
- :func:`supply_by_type` — one row per item with a world secondary share: primary and
  secondary shares of world supply, the concern and coalition parts of the recycled part
  (with bounds for what the data do not locate) beside the concern share of the item's
  producer rows.

Example:
    >>> from paxsilica.store import open_store
    >>> from paxsilica.model.network import StackNetwork
    >>> net = StackNetwork.from_store(open_store(":memory:"))
    >>> row = supply_by_type(net, item="copper_refined").iloc[0]
    >>> round(float(row["secondary_share"]), 3), round(float(row["primary_share"]), 3)
    (0.169, 0.831)
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from paxsilica.analytics.concentration import BASIS_RANK, CONFIDENCE_RANK
from paxsilica.errors import NotFoundError
from paxsilica.model.network import StackNetwork, as_date

__all__ = ["secondary_supply", "supply_by_type"]

DEFAULT_GROUP = "pax_silica"
DEFAULT_CONCERN = "countries_of_concern"

ROW_COLUMNS = ["item", "country", "year", "share", "share_of", "measure", "quantity", "unit",
               "is_member", "is_concern", "source", "source_url", "confidence", "basis", "note"]


def _latest(rows: pd.DataFrame, keys: list[str], day: date) -> pd.DataFrame:
    """Rows of the latest year on or before ``day`` per ``keys`` (projections left out)."""
    rows = rows[(rows["basis"] != "projection") & (rows["year"] <= day.year)]
    if rows.empty:
        return rows
    last = rows.groupby(keys)["year"].transform("max")
    return rows[rows["year"] == last]


def secondary_supply(net: StackNetwork, *, item: str | None = None,
                     country: str | None = None, year: int | None = None,
                     latest: bool = False, group: str = DEFAULT_GROUP,
                     concern: str = DEFAULT_CONCERN,
                     as_of: date | str | None = None) -> pd.DataFrame:
    """The cited secondary-supply rows, with ``is_member`` / ``is_concern`` on ``as_of``.

    Columns: :data:`ROW_COLUMNS` (``share`` 0-1 of what ``share_of`` names; ``quantity``
    in ``unit``). ``latest`` keeps, per item, country, ``share_of`` and ``measure``, the
    latest non-projection year on or before ``as_of``.

    Raises:
        NotFoundError: an unknown item, or no row for the selection.
    """
    day = as_date(as_of)
    rows = net.secondary_supplies.copy()
    if item is not None:
        rows = rows[rows["item_id"].isin(net.resolve_items(item))]
    if country is not None:
        rows = rows[rows["country"] == _country_code(country)]
    if year is not None:
        rows = rows[rows["year"] == year]
    if latest:
        rows = _latest(rows, ["item_id", "country", "share_of", "measure"], day)
    if rows.empty:
        what = ", ".join(f"{k}={v}" for k, v in
                         {"item": item, "country": country, "year": year}.items() if v is not None)
        raise NotFoundError(f"no secondary-supply data for {what or 'the selection'}")
    members, of_concern = net.members(group, day), net.members(concern, day)
    rows = rows.rename(columns={"item_id": "item"}).assign(
        is_member=rows["country"].isin(members), is_concern=rows["country"].isin(of_concern))
    result = rows.sort_values(["item", "country", "year", "share_of", "measure"])[ROW_COLUMNS]
    result = result.reset_index(drop=True)
    result.attrs.update(as_of=day, group=group, concern=concern)
    return result


def _country_code(text: str) -> str:
    from paxsilica.model.country import resolve_country

    try:
        return resolve_country(text)
    except KeyError as exc:
        raise NotFoundError(exc.args[0]) from None


def _worst(values: pd.Series, rank: dict[str, int]) -> str:
    return max(values, key=lambda value: rank.get(value, 99))


def _primary_concern(net: StackNetwork, items: list[str], group: str, concern: str,
                     day: date) -> pd.DataFrame:
    """Concern and coalition shares of each item's producer rows (latest year), by item."""
    from paxsilica.analytics.exposure import exposure_summary

    frames = []
    for item in items:
        try:
            summary = exposure_summary(net, item=item, latest=True, group=group,
                                       concern=concern, as_of=day)
        except NotFoundError:
            continue
        summary = summary[summary["item"] == item]
        if not summary.empty:
            frames.append(summary.sort_values("year").tail(1))
    if not frames:
        return pd.DataFrame(columns=["item", "producer_year", "producer_concern_share",
                                     "producer_coalition_share"]).set_index("item")
    table = pd.concat(frames, ignore_index=True)
    return table.rename(columns={"year": "producer_year",
                                 "concern_share": "producer_concern_share",
                                 "coalition_share": "producer_coalition_share"}).set_index(
        "item")[["producer_year", "producer_concern_share", "producer_coalition_share"]]


def supply_by_type(net: StackNetwork, *, item: str | None = None,
                   group: str = DEFAULT_GROUP, concern: str = DEFAULT_CONCERN,
                   as_of: date | str | None = None) -> pd.DataFrame:
    """Primary and secondary shares of each item's world supply, as of a date.

    One row per item with a world (``WLD``) secondary share of total supply or of
    consumption (latest non-projection year on or before ``as_of``). Columns:

    - ``item, year, secondary_share, primary_share`` (= 1 − secondary), ``share_of``
      (``total_supply`` or ``consumption``: what the world share divides by);
    - ``secondary_year``, ``secondary_located_share`` — the part of world secondary output
      the country rows (``world_secondary``, output) place, ``secondary_concern_share`` and
      ``secondary_coalition_share`` — the parts placed in ``concern`` / ``group`` countries;
      ``secondary_concern_share_max`` counts the unplaced part as of concern (a bound, not
      an estimate); NaN when no country row exists;
    - ``producer_year, producer_concern_share, producer_coalition_share`` — from the item's
      producer rows (:func:`~paxsilica.analytics.exposure.exposure_summary`); for some items
      (USGS refined copper) those rows count recycled output too, so they describe all
      output, not primary output alone;
    - ``sources, confidence, basis`` of the secondary rows used (weakest confidence, least
      certain basis).

    Raises:
        NotFoundError: no world secondary share for the selection.
    """
    day = as_date(as_of)
    rows = net.secondary_supplies
    if item is not None:
        rows = rows[rows["item_id"].isin(net.resolve_items(item))]
    output = rows[rows["measure"] == "output"]
    world = output[(output["country"] == "WLD") & output["share"].notna()
                   & output["share_of"].isin(["total_supply", "consumption"])]
    world = _latest(world, ["item_id"], day)
    # total_supply is the definition; a consumption share stands in only without one
    world = (world.assign(order=(world["share_of"] != "total_supply").astype(int))
             .sort_values(["item_id", "order"]).groupby("item_id").head(1))
    if world.empty:
        raise NotFoundError("no world secondary share of supply for "
                            + (f"item={item}" if item else "any item"))
    placed = _latest(output[(output["share_of"] == "world_secondary") & output["share"].notna()],
                     ["item_id"], day)
    members, of_concern = net.members(group, day), net.members(concern, day)
    by_item = placed.groupby("item_id")
    located = by_item["share"].sum().clip(upper=1.0)
    concern_part = placed[placed["country"].isin(of_concern)].groupby("item_id")["share"].sum()
    member_part = placed[placed["country"].isin(members)].groupby("item_id")["share"].sum()
    items = list(world["item_id"])
    producer = _primary_concern(net, items, group, concern, day)
    used = pd.concat([world, placed[placed["item_id"].isin(items)]])
    table = pd.DataFrame({
        "item": items,
        "year": world["year"].to_numpy(),
        "secondary_share": world["share"].astype(float).to_numpy(),
        "share_of": world["share_of"].to_numpy(),
    })
    table["primary_share"] = 1.0 - table["secondary_share"]
    table["secondary_year"] = table["item"].map(by_item["year"].max()).astype("Int64")
    table["secondary_located_share"] = table["item"].map(located)
    has_rows = table["secondary_located_share"].notna()
    table["secondary_concern_share"] = np.where(
        has_rows, table["item"].map(concern_part).fillna(0.0), np.nan)
    table["secondary_concern_share_max"] = np.where(
        has_rows, table["secondary_concern_share"] + 1.0 - table["secondary_located_share"],
        np.nan)
    table["secondary_coalition_share"] = np.where(
        has_rows, table["item"].map(member_part).fillna(0.0), np.nan)
    table = table.join(producer, on="item")
    grouped = used.groupby("item_id")
    table["sources"] = table["item"].map(grouped["source"].agg(lambda s: sorted(set(s))))
    table["confidence"] = table["item"].map(
        grouped["confidence"].agg(lambda c: _worst(c, CONFIDENCE_RANK)))
    table["basis"] = table["item"].map(grouped["basis"].agg(lambda b: _worst(b, BASIS_RANK)))
    columns = ["item", "year", "secondary_share", "primary_share", "share_of", "secondary_year",
               "secondary_located_share", "secondary_concern_share",
               "secondary_concern_share_max", "secondary_coalition_share", "producer_year",
               "producer_concern_share", "producer_coalition_share", "sources", "confidence",
               "basis"]
    result = table[columns].sort_values("item").reset_index(drop=True)
    result.attrs.update(as_of=day, group=group, concern=concern)
    return result
