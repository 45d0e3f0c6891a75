"""The share rule of supply rows, shared by import validation and the analytics.

A row's share is its stated ``share`` when given, else its ``quantity`` divided by the
world (``WLD``) quantity of its item, stage and year, or by the sum of all quantities
reported for it when that is larger or when there is no world row. It lives in
``model`` so that ``validate`` (share sums at import) and ``analytics`` (country
shares, HHI) use one rule without ``validate`` reaching down into ``analytics``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["KEY", "row_shares"]

KEY = ["item_id", "stage", "year"]
"""The columns that make one share distribution: item, stage and year."""


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
