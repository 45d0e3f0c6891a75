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
from paxsilica.model.shares import KEY, row_shares

__all__ = ["CONFIDENCE_RANK", "country_shares", "hhi", "row_shares"]

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
