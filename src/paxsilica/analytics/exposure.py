"""Direct exposure: who supplies each item, how concentrated, how much from
countries of concern, and how much the coalition covers itself, as of a date.

Example:
    >>> from paxsilica.store import open_store
    >>> from paxsilica.model.network import StackNetwork
    >>> net = StackNetwork.from_store(open_store(":memory:"))
    >>> table = exposure_summary(net, item="rare_earth_oxide", stage="mine", year=2024)
    >>> round(float(table["concern_share"].iloc[0]), 2)
    0.69
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from paxsilica.analytics.concentration import country_shares, hhi
from paxsilica.errors import NotFoundError
from paxsilica.model.network import StackNetwork, as_date

__all__ = ["concern_bounds", "coverage_timeline", "exposure", "exposure_change", "exposure_summary",
           "origin_dependence", "unlocated_items"]

KEY = ["item_id", "stage", "year"]
DEFAULT_GROUP = "pax_silica"
DEFAULT_CONCERN = "countries_of_concern"


def _select(net: StackNetwork, item: str | None, stage: str | None, year: int | None,
            latest: bool, day: date) -> pd.DataFrame:
    supplies = net.supplies
    if item is not None:  # whole (item, stage, year) distributions: their shares are unchanged
        supplies = supplies[supplies["item_id"].isin(net.resolve_items(item, stage))]
    shares = country_shares(supplies)
    if stage is not None:
        if stage not in net.stage_order:
            known = ", ".join(net.stages["stage_id"])
            raise NotFoundError(f"unknown stage {stage!r} (known: {known})")
        shares = shares[shares["stage"] == stage]
    if year is not None:
        shares = shares[shares["year"] == year]
    if latest and not shares.empty:
        # the latest year on or before as_of that is not only projections
        observed = shares[(shares["basis"] != "projection") & (shares["year"] <= day.year)]
        last = observed.groupby(["item_id", "stage"])["year"].max().rename("last_year")
        shares = shares.join(last, on=["item_id", "stage"])
        shares = shares[shares["year"] == shares["last_year"]].drop(columns="last_year")
    if shares.empty:
        what = ", ".join(f"{k}={v}" for k, v in
                         {"item": item, "stage": stage, "year": year}.items() if v is not None)
        raise NotFoundError(f"no supply data for {what or 'the selection'}")
    return shares


def exposure(net: StackNetwork, *, item: str | None = None, stage: str | None = None,
             year: int | None = None, group: str = DEFAULT_GROUP,
             concern: str = DEFAULT_CONCERN, as_of: date | str | None = None,
             latest: bool = False) -> pd.DataFrame:
    """One row per item, stage, year and supplying country, with the item-level figures.

    Columns: ``country, share`` (the answer, first so that a printed table shows it),
    ``item, stage, year, hhi, concern_share, coalition_share, unattributed_share,
    top_country, top_share, is_member, is_concern, quantity, unit, sources, source_urls,
    confidence, basis, share_method``; rows by item, stage, year, then largest share. Shares are fractions 0-1;
    ``hhi`` is 0-10 000 over named countries (regions and "other" excluded);
    ``coalition_share`` is the share of ``group`` members on ``as_of`` (today by default).
    The date and group used are in ``table.attrs`` (``as_of``, ``group``, ``concern``).
    """
    day = as_date(as_of)
    shares = _select(net, item, stage, year, latest, day)
    members = net.members(group, day)
    concern_members = net.members(concern, day)
    shares = shares.assign(is_member=shares["country"].isin(members),
                           is_concern=shares["country"].isin(concern_members))
    named = shares[shares["is_country"]]
    summary = pd.DataFrame({
        "hhi": named.groupby(KEY)["share"].apply(hhi),
        "concern_share": shares[shares["is_concern"]].groupby(KEY)["share"].sum(),
        "coalition_share": shares[shares["is_member"]].groupby(KEY)["share"].sum(),
        "named_share": named.groupby(KEY)["share"].sum(),
    })
    top = named.sort_values("share", ascending=False).groupby(KEY).head(1).set_index(KEY)
    summary["top_country"] = top["country"]
    summary["top_share"] = top["share"]
    summary[["concern_share", "coalition_share", "named_share", "hhi"]] = summary[
        ["concern_share", "coalition_share", "named_share", "hhi"]].fillna(0.0)
    summary["unattributed_share"] = (1.0 - summary["named_share"]).clip(lower=0.0)
    summary = concern_bounds(summary)
    table = shares.join(summary.drop(columns="named_share"), on=KEY)
    table = table.rename(columns={"item_id": "item"})
    table = table.sort_values(["item", "stage", "year", "share"],
                              ascending=[True, True, True, False])
    columns = ["country", "share", "item", "stage", "year", "hhi", "concern_share",
               "concern_share_low", "concern_share_high",
               "coalition_share", "unattributed_share", "top_country", "top_share",
               "is_member", "is_concern", "quantity", "unit", "sources",
               "source_urls", "confidence", "basis", "share_method"]
    result = table[columns].reset_index(drop=True)
    result.attrs.update(as_of=day, group=group, concern=concern)
    return result


def concern_bounds(summary: pd.DataFrame) -> pd.DataFrame:
    """Add ``concern_share_low`` and ``concern_share_high`` to item-level figures (0-1).

    Supply no cited row locates (``unattributed_share``) is counted as not of concern for
    the low bound (which is ``concern_share``) and as of concern for the high bound, capped
    at 1; the two are equal when nothing is unattributed. The true share lies between them.

    >>> row = pd.DataFrame({"concern_share": [0.13], "unattributed_share": [0.87]})
    >>> concern_bounds(row)[["concern_share_low", "concern_share_high"]].values.tolist()
    [[0.13, 1.0]]
    """
    out = summary.copy()
    out["concern_share_low"] = out["concern_share"]
    out["concern_share_high"] = (out["concern_share"] + out["unattributed_share"]).clip(upper=1.0)
    return out


def exposure_summary(net: StackNetwork, **selection: object) -> pd.DataFrame:
    """One row per item, stage and year: HHI, top supplier, concern and coalition shares.

    Takes the same keyword arguments as :func:`exposure`; ``sources`` merges all rows'.
    """
    table = exposure(net, **selection)  # type: ignore[arg-type]
    keys = ["item", "stage", "year"]
    first = table.groupby(keys, sort=True).first()
    sources = table.groupby(keys)["sources"].agg(lambda lists: sorted({s for x in lists for s in x}))
    countries = table.groupby(keys)["country"].count().rename("countries")
    result = first[["hhi", "top_country", "top_share", "concern_share", "concern_share_low",
                    "concern_share_high", "coalition_share", "unattributed_share"]].assign(as_of=table.attrs["as_of"],
                                                  group=table.attrs["group"],
                                                  confidence=first["confidence"]).join(countries)
    result["sources"] = sources
    result["confidence"] = table.groupby(keys)["confidence"].agg(
        lambda c: max(c, key=lambda v: {"high": 0, "medium": 1, "low": 2}.get(v, 3)))
    return result.reset_index()


def coverage_timeline(net: StackNetwork, dates: list[date | str] | None = None, *,
                      group: str = DEFAULT_GROUP, **selection: object) -> pd.DataFrame:
    """Coalition share of each item's supply on each date (default: every membership change,
    joins and ends, see :meth:`~paxsilica.model.network.StackNetwork.membership_dates`).

    Columns: ``item, stage, year, date, coalition_share, members``.
    """
    days = [as_date(d) for d in dates] if dates else net.membership_dates(group)
    frames = []
    for day in days:
        summary = exposure_summary(net, group=group, as_of=day, **selection)
        summary["date"] = day
        summary["members"] = len(net.members(group, day))
        frames.append(summary[["item", "stage", "year", "date", "coalition_share", "members"]])
    return pd.concat(frames, ignore_index=True)


def exposure_change(net: StackNetwork, before: date | str, after: date | str, *,
                    group: str = DEFAULT_GROUP, **selection: object) -> pd.DataFrame:
    """How coalition coverage of each item changed between two dates, who joined and who left.

    Columns: ``item, stage, year, coalition_share_before, coalition_share_after, change,
    joined, left``: countries supplying the item that became members, or stopped being
    members (a ``valid_to`` passed, or a later status that does not count), in between.
    """
    day_a, day_b = as_date(before), as_date(after)
    table_a = exposure(net, group=group, as_of=day_a, **selection)  # type: ignore[arg-type]
    table_b = exposure(net, group=group, as_of=day_b, **selection)  # type: ignore[arg-type]
    keys = ["item", "stage", "year"]
    a = table_a.groupby(keys)["coalition_share"].first().rename("coalition_share_before")
    b = table_b.groupby(keys)["coalition_share"].first().rename("coalition_share_after")
    result = pd.concat([a, b], axis=1)
    result["change"] = result["coalition_share_after"] - result["coalition_share_before"]
    members_a, members_b = net.members(group, day_a), net.members(group, day_b)
    for column, table, countries in (("joined", table_b, members_b - members_a),
                                     ("left", table_a, members_a - members_b)):
        moved = (table[table["country"].isin(countries)]
                 .groupby(keys)["country"].agg(lambda c: sorted(set(c))))
        result[column] = moved
        result[column] = result[column].map(lambda v: v if isinstance(v, list) else [])
    return result.reset_index()


def origin_dependence(net: StackNetwork, *, item: str | None = None, stage: str | None = None,
                      group: str = DEFAULT_GROUP, concern: str = DEFAULT_CONCERN,
                      as_of: date | str | None = None, mode: str = "essential") -> pd.DataFrame:
    """Dependence of each item's world supply on each origin country alone, through all
    recipe tiers (at-risk share if that country alone stopped), on the network's sourcing.

    Columns: ``node, item, country, dependence, in_group, of_concern, mode, as_of``; only
    rows with a dependence above 0. ``country`` ``""`` means "location not in the data".
    Dependences are not a partition: an item can depend 100 % on two countries.
    """
    from paxsilica.analytics.multitier import country_dependence, multitier_exposure
    from paxsilica.analytics.network import sourcing_network

    day = as_date(as_of)
    snet = sourcing_network(net, as_of=day)
    world = multitier_exposure(net, group=group, concern=concern, as_of=day, item=item,
                               stage=stage, mode=mode, roles=("market",), snet=snet)
    world = world[world["country"] == "WLD"]
    table = country_dependence(snet, world["node"].tolist(), mode=mode)
    table = table[table["dependence"] > 0]
    table.insert(1, "item", table["node"].str.removeprefix("market:WLD:"))
    members, of_concern = net.members(group, day), net.members(concern, day)
    return table.assign(in_group=table["country"].isin(members),
                        of_concern=table["country"].isin(of_concern), mode=mode,
                        as_of=day).reset_index(drop=True)


def unlocated_items(multitier: pd.DataFrame) -> pd.DataFrame:
    """The world-supply rows of a :func:`~paxsilica.analytics.multitier.multitier_exposure`
    table whose own output the data do not fully locate: ``item, unlocated_share`` (0-1),
    in the table's order."""
    world = multitier[(multitier["role"] == "market") & (multitier["country"] == "WLD")]
    world = world[world["located_share"] < 1 - 1e-9]
    return pd.DataFrame({"item": world["item"].to_numpy(),
                         "unlocated_share": 1.0 - world["located_share"].to_numpy()})
