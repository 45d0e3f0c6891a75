"""Country shares of supply and their concentration (Herfindahl-Hirschman index).

Shares are fractions 0-1 of world output of one item at one stage in one year.
A row's share is its stated ``share`` when given, else its ``quantity`` divided
by the world (``WLD``) quantity for that item, stage and year, or by the sum of
all quantities reported for it when that is larger (USGS world totals are
rounded: antimony 2024 country rows add up to 103 960 t against a world total of
100 000 t) or when there is no world row. Company rows are summed to their country.

Example:
    >>> hhi(pd.Series([0.5, 0.3, 0.2]))
    3800.0
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from paxsilica.model.country import is_country

__all__ = ["CONFIDENCE_RANK", "country_shares", "hhi", "row_shares"]

KEY = ["item_id", "stage", "year"]
CONFIDENCE_RANK = {"high": 0, "medium": 1, "low": 2}
BASIS_RANK = {"reported": 0, "derived": 1, "estimate": 2, "target": 3, "projection": 4}


def hhi(shares: pd.Series | np.ndarray) -> float:
    """Herfindahl-Hirschman index on the 0-10 000 scale: sum of squared percentage shares.

    Regions and "other countries" must be left out by the caller: HHI over the
    named countries is then a lower bound.

    >>> hhi(np.array([1.0]))
    10000.0
    """
    values = np.asarray(shares, dtype=float)
    return float(np.round(np.sum((values * 100.0) ** 2), 6))


def _worst(values: pd.Series, rank: dict[str, int]) -> str:
    return max(values, key=lambda value: rank.get(value, 99))


def row_shares(supplies: pd.DataFrame) -> pd.DataFrame:
    """Each row but the world's with its share ``computed`` and ``share_method``.

    The share rule of :func:`country_shares`, row by row: the stated ``share``, else
    ``quantity`` ÷ the world quantity of its item, stage and year, else (no world row, or
    country rows adding up to more) ``quantity`` ÷ the sum of quantities. Rows that get no
    share (no stated share, no quantity) are left out. ``share`` and ``quantity`` must be
    numeric.

    >>> rows = pd.DataFrame({"item_id": ["x"] * 3, "stage": ["mine"] * 3, "year": [2024] * 3,
    ...                      "country": ["WLD", "CHN", "USA"], "quantity": [100.0, 60.0, None],
    ...                      "share": [None, None, 0.1]})
    >>> row_shares(rows)[["country", "computed", "share_method"]].values.tolist()
    [['CHN', 0.6, 'quantity / world total'], ['USA', 0.1, 'stated']]
    """
    is_world = supplies["country"] == "WLD"
    world = (supplies[is_world & supplies["quantity"].notna()]
             .groupby(KEY)["quantity"].sum().rename("world_quantity"))
    reported_total = (supplies[~is_world & supplies["quantity"].notna()]
                      .groupby(KEY)["quantity"].sum().rename("reported_total"))
    rows = supplies[~is_world].join(world, on=KEY).join(reported_total, on=KEY)
    stated = rows["share"].notna()
    by_world = (~stated & rows["quantity"].notna() & rows["world_quantity"].gt(0)
                & ~rows["reported_total"].gt(rows["world_quantity"]))
    by_total = ~stated & ~by_world & rows["quantity"].notna() & rows["reported_total"].gt(0)
    rows["computed"] = np.select(
        [stated, by_world, by_total],
        [rows["share"], rows["quantity"] / rows["world_quantity"],
         rows["quantity"] / rows["reported_total"]],
        default=np.nan)
    rows["share_method"] = np.select([stated, by_world, by_total],
                                     ["stated", "quantity / world total",
                                      "quantity / reported total"], default="none")
    return rows[rows["computed"].notna()]


def country_shares(supplies: pd.DataFrame) -> pd.DataFrame:
    """Shares by item, stage, year and country (incl. region codes), with provenance.

    Columns: ``item_id, stage, year, country, share, quantity, unit, share_method,
    sources, source_urls, confidence, basis`` where ``sources`` is a list of titles,
    ``confidence`` the weakest and ``basis`` the least certain of the rows combined.
    ``share`` is the sum of the rows' :func:`row_shares`.
    """
    rows = row_shares(supplies)
    grouped = rows.groupby([*KEY, "country"], sort=True)
    result = grouped.agg(
        share=("computed", "sum"),
        quantity=("quantity", lambda q: q.sum(min_count=1)),
        unit=("unit", "first"),
        share_method=("share_method", "first"),
        sources=("source", lambda s: sorted(set(s))),
        source_urls=("source_url", lambda s: sorted({u for u in s if isinstance(u, str)})),
        confidence=("confidence", lambda c: _worst(c, CONFIDENCE_RANK)),
        basis=("basis", lambda b: _worst(b, BASIS_RANK)),
    ).reset_index()
    result["is_country"] = result["country"].map(is_country)
    return result
