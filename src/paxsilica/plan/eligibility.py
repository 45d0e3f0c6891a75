"""Who may join, what their supply is worth to the coalition: eligibility, concern-owned
supply and the coalition's unmet import need (the inputs of ``plan expand``).

* **Eligible** candidates produce the item and are neither members, nor in the concern
  group, nor in an excluded group (default ``sanctioned``: comprehensive US or broad EU
  sectoral sanctions), all as of the date; each exclusion has its reason.
* **Concern-owned supply**: a supply row (company or facility) whose company is
  controlled by countries of concern counts as concern supply, wherever it is: companies
  domiciled in a concern country, and every company they own 50 % or more of in
  aggregate, directly or through controlled companies (OFAC's 50 % rule,
  :func:`paxsilica.certify.ownership.controlled_entities`).
* **Unmet import need** (share of world output): the coalition's use minus what members
  produce outside concern ownership, floored at 0. Use comes from ``use`` (item → share
  of world output) or the store's ``consumption_share`` item parameters summed over the
  members; without either, need is *assumed* to be the concern share (the coalition would
  replace all supply from countries of concern: an upper bound) and a warning says so.

Example:
    >>> from paxsilica.plan.load import bundled_network
    >>> net = bundled_network()
    >>> concern = concern_companies(net, {"CHN", "HKG", "MAC"})
    >>> {"baotou_steel", "china_northern_rare_earth", "gcl_tech", "china_mobile"} <= set(concern)
    True
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from paxsilica.certify.ownership import controlled_entities
from paxsilica.model.network import StackNetwork

__all__ = ["concern_companies", "concern_owned", "exclusions", "unmet_need"]


def concern_companies(net: StackNetwork, concern: set[str]) -> set[str]:
    """Company ids controlled by countries of concern (domicile, then the 50 % rule)."""
    companies = net.companies
    listed = set(companies.loc[companies["country"].isin(concern), "company_id"])
    if not listed:
        return set()
    links = net.ownership.rename(columns={"owner_id": "owner", "owned_id": "owned"})
    derived = controlled_entities(links, listed) if not links.empty else pd.DataFrame(
        columns=["entity_id"])
    return listed | set(derived["entity_id"])


def _company_ids(net: StackNetwork) -> dict[str, str]:
    """Lower-case company id, name or alias -> company id."""
    lookup: dict[str, str] = {}
    for row in net.companies.itertuples(index=False):
        for name in [row.company_id, row.name, *(row.aliases or [])]:
            lookup.setdefault(str(name).strip().lower(), row.company_id)
    return lookup


def concern_owned(net: StackNetwork, concern: set[str], keys: pd.DataFrame) -> pd.DataFrame:
    """Per (item, stage, year, country) of ``keys``: the share of world output owned by
    companies of concern (columns item, stage, year, country, owned_share, owners)."""
    columns = ["item", "stage", "year", "country", "owned_share", "owners"]
    owned = concern_companies(net, concern)
    supplies = net.supplies
    if not owned or supplies.empty:
        return pd.DataFrame(columns=columns)
    lookup = _company_ids(net)
    facility_owner = dict(zip(net.facilities["facility_id"], net.facilities["company_id"],
                              strict=True))
    company = supplies["company"].map(lambda n: lookup.get(str(n).strip().lower())
                                      if isinstance(n, str) else None)
    by_facility = supplies["facility_id"].map(facility_owner)
    company = company.where(company.notna(), by_facility)
    rows = supplies.assign(company_id=company, stage=supplies["stage"].fillna(""),
                           share=_row_shares(supplies))
    rows = rows[rows["company_id"].isin(owned) & rows["share"].notna()]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    wanted = keys[["item", "stage", "year"]].drop_duplicates()
    rows = rows.rename(columns={"item_id": "item"}).merge(
        wanted.assign(stage_key=wanted["stage"].fillna("")), left_on=["item", "year"],
        right_on=["item", "year"], suffixes=("_row", ""))
    rows = rows[(rows["stage_row"] == "") | (rows["stage_row"] == rows["stage_key"])]
    grouped = rows.groupby(["item", "stage", "year", "country"])
    table = pd.DataFrame({"owned_share": grouped["share"].sum(),
                          "owners": grouped["company_id"].agg(lambda c: sorted(set(c)))})
    return table.reset_index()[columns]


def _row_shares(supplies: pd.DataFrame) -> pd.Series:
    """Each row's share of world output: its ``share``, else its quantity over the world
    total of the item and year (the ``WLD`` row, else the sum of country rows without a
    company or facility)."""
    plain = supplies["company"].isna() & supplies["facility_id"].isna()
    world = supplies[supplies["country"] == "WLD"].groupby(["item_id", "year"])["quantity"].sum()
    summed = supplies[plain & (supplies["country"] != "WLD")].groupby(
        ["item_id", "year"])["quantity"].sum()
    total = world.combine_first(summed)
    keys = pd.MultiIndex.from_frame(supplies[["item_id", "year"]])
    per_world = supplies["quantity"].to_numpy(dtype=float) / total.reindex(keys).to_numpy(
        dtype=float)
    return supplies["share"].where(supplies["share"].notna(),
                                   pd.Series(per_world, index=supplies.index))


def exclusions(net: StackNetwork, countries: list[str], concern: str, groups: list[str],
               member_group: str, day: date) -> dict[str, str]:
    """Country -> why it cannot be a candidate (absent: eligible)."""
    reasons: dict[str, str] = {}
    members = net.members(member_group, day)
    concern_members = net.members(concern, day)
    named = {g: net.members(g, day) for g in groups}
    for country in countries:
        if country in members:
            reasons[country] = f"already a member of {member_group}"
        elif country in concern_members:
            reasons[country] = f"country of concern ({concern})"
        else:
            hit = [g for g, found in named.items() if country in found]
            if hit:
                events = net.membership_events(hit[0])
                status = events.loc[(events["country"] == country)
                                    & (events["valid_from"] <= day), "status"]
                detail = f" ({status.iloc[-1]})" if not status.empty else ""
                reasons[country] = f"in group {hit[0]}{detail} as of {day}"
    return reasons


def unmet_need(net: StackNetwork, items: pd.DataFrame, members: set[str],
               use: dict[str, float] | None, day: date) -> tuple[pd.Series, pd.Series, list[str]]:
    """Per item key: the coalition's use (share of world output; NaN when assumed) and its
    unmet import need, and warnings. ``items`` has key, item, coalition_share (members'
    production not owned by companies of concern) and concern_share (concern supply,
    concern-owned included)."""
    warnings: list[str] = []
    given = use or {}
    consumption = _consumption(net, members, day)
    uses, needs = {}, {}
    for row in items.itertuples(index=False):
        share = given.get(row.item, consumption.get(row.item))
        if share is None:
            uses[row.key] = float("nan")
            needs[row.key] = float(row.concern_share)
            warnings.append(f"{row.item}: no coalition use (no consumption_share data): "
                            "unmet need assumed equal to the concern share (the coalition "
                            "replaces all of it; an upper bound)")
        else:
            uses[row.key] = float(share)
            needs[row.key] = max(float(share) - float(row.coalition_share), 0.0)
    return pd.Series(uses), pd.Series(needs), warnings


def _consumption(net: StackNetwork, members: set[str], day: date) -> dict[str, float]:
    """item -> Σ over members of the latest ``consumption_share`` (item parameters)."""
    table = getattr(net, "item_parameters", None)
    if table is None or table.empty:
        return {}
    rows = table[(table["parameter"] == "consumption_share") & table["country"].isin(members)
                 & (table["year"] <= day.year)]
    if "basis" in rows.columns:
        rows = rows[rows["basis"] != "projection"]
    if rows.empty:
        return {}
    latest = rows.sort_values("year").groupby(["item_id", "country"]).tail(1)
    return latest.groupby("item_id")["value"].sum().astype(float).to_dict()
