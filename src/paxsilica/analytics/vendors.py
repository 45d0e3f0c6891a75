"""Vendor exposure: how much of a market country's equipment (RAN, mobile networks) comes
from vendors domiciled in countries of concern, as of a date.

The rows are those of ``vendor_shares`` (:mod:`paxsilica.model.vendor`); a vendor's country
is its domicile in the companies table (Huawei and ZTE: China). A row of several vendors
reported together counts as of concern only when every one of them is domiciled in a
country of concern, and as in the group only when every one is domiciled in a member;
otherwise it is ``mixed`` and counts in neither.

Example:
    >>> from paxsilica.store import open_store
    >>> from paxsilica.model.network import StackNetwork
    >>> net = StackNetwork.from_store(open_store(":memory:"))
    >>> table = vendor_exposure(net, item="ran_equipment", market="DEU")
    >>> float(table["concern_share"].iloc[0]), table["vendors"].iloc[0]
    (0.59, ['huawei', 'zte'])
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from paxsilica.errors import NotFoundError
from paxsilica.model.country import resolve_country
from paxsilica.model.network import StackNetwork, as_date

__all__ = ["vendor_exposure", "vendor_exposure_summary"]

DEFAULT_GROUP = "pax_silica"
DEFAULT_CONCERN = "countries_of_concern"
KEY = ["item", "market", "year", "measure"]

COLUMNS = ["market", "vendors", "share", "item", "year", "measure", "scope", "vendor_names",
           "vendor_countries", "of_concern", "in_group", "concern_share", "coalition_share",
           "unattributed_share", "top_vendors", "top_share", "source", "source_url",
           "confidence", "basis", "note"]


def _market(text: str) -> str:
    try:
        return resolve_country(text)
    except KeyError as exc:
        raise NotFoundError(exc.args[0]) from None


def vendor_exposure(net: StackNetwork, *, item: str | None = "ran_equipment",
                    market: str | None = None, year: int | None = None,
                    measure: str | None = None, latest: bool = True,
                    group: str = DEFAULT_GROUP, concern: str = DEFAULT_CONCERN,
                    as_of: date | str | None = None) -> pd.DataFrame:
    """One row per item, market, year, measure and vendor (or vendor set), with the
    market-level figures.

    Columns: ``market, vendors`` (company ids), ``share`` (0-1 of the market), ``item, year,
    measure, scope, vendor_names, vendor_countries`` (ISO3 domiciles), ``of_concern,
    in_group`` (all vendors of the row domiciled in ``concern`` / ``group`` countries on
    ``as_of``), and per market: ``concern_share, coalition_share`` (sums of such rows),
    ``unattributed_share`` (1 − the rows' sum: vendors the source does not name),
    ``top_vendors, top_share``; then the row's citation. ``latest`` keeps, per item, market
    and measure, the latest non-projection year on or before ``as_of`` (``year`` picks one).
    Rows: by item, market, measure, then largest share. The date, group and concern used
    are in ``table.attrs``.

    Raises:
        NotFoundError: an unknown item or market, or no row for the selection.
    """
    day = as_date(as_of)
    rows = net.vendor_shares.copy()
    if item is not None:
        rows = rows[rows["item_id"].isin(net.resolve_items(item))]
    if market is not None:
        rows = rows[rows["market"] == _market(market)]
    if measure is not None:
        rows = rows[rows["measure"] == measure]
    if year is not None:
        rows = rows[rows["year"] == year]
    elif latest and not rows.empty:
        observed = rows[(rows["basis"] != "projection") & (rows["year"] <= day.year)]
        last = observed.groupby(["item_id", "market", "measure"])["year"].max().rename("last")
        rows = rows.join(last, on=["item_id", "market", "measure"])
        rows = rows[rows["year"] == rows["last"]].drop(columns="last")
    if rows.empty:
        what = ", ".join(f"{k}={v}" for k, v in {"item": item, "market": market, "year": year,
                                                 "measure": measure}.items() if v is not None)
        raise NotFoundError(f"no vendor-share data for {what or 'the selection'}")
    companies = net.companies.set_index("company_id")
    members, of_concern = net.members(group, day), net.members(concern, day)
    countries = rows["vendors"].map(lambda vs: [companies["country"].get(v, "") for v in vs])
    rows = rows.rename(columns={"item_id": "item"}).assign(
        vendor_names=rows["vendors"].map(lambda vs: [companies["name"].get(v, v) for v in vs]),
        vendor_countries=countries,
        of_concern=countries.map(lambda cs: bool(cs) and all(c in of_concern for c in cs)),
        in_group=countries.map(lambda cs: bool(cs) and all(c in members for c in cs)))
    rows["share"] = rows["share"].astype(float)
    grouped = rows.groupby(KEY)
    summary = pd.DataFrame({
        "concern_share": rows[rows["of_concern"]].groupby(KEY)["share"].sum(),
        "coalition_share": rows[rows["in_group"]].groupby(KEY)["share"].sum(),
        "named": grouped["share"].sum(),
    }).fillna(0.0)
    summary["unattributed_share"] = (1.0 - summary.pop("named")).clip(lower=0.0)
    top = rows.sort_values("share", ascending=False).groupby(KEY).head(1).set_index(KEY)
    summary["top_vendors"] = top["vendors"]
    summary["top_share"] = top["share"]
    table = rows.join(summary, on=KEY).sort_values(
        ["item", "market", "measure", "year", "share"],
        ascending=[True, True, True, True, False])
    result = table[COLUMNS].reset_index(drop=True)
    result.attrs.update(as_of=day, group=group, concern=concern)
    return result


def vendor_exposure_summary(net: StackNetwork, **selection: object) -> pd.DataFrame:
    """One row per item, market, year and measure: ``concern_share, coalition_share,
    unattributed_share, top_vendors, top_share, vendors`` (how many rows), ``sources``
    and the weakest ``confidence``. Takes the keyword arguments of :func:`vendor_exposure`.
    """
    table = vendor_exposure(net, **selection)  # type: ignore[arg-type]
    rank = {"high": 0, "medium": 1, "low": 2}
    grouped = table.groupby(KEY, sort=True)
    first = grouped.first()
    result = first[["scope", "concern_share", "coalition_share", "unattributed_share",
                    "top_vendors", "top_share"]].assign(
        rows=grouped["share"].count(),
        sources=grouped["source"].agg(lambda s: sorted(set(s))),
        confidence=grouped["confidence"].agg(lambda c: max(c, key=lambda v: rank.get(v, 3))))
    result = result.reset_index()
    result.attrs.update(table.attrs)
    return result
