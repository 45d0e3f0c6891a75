"""Summaries of a solved plan for reports: concern share per member before and after.

Example:
    >>> import pandas as pd
    >>> flows = pd.DataFrame({"scenario": ["base"] * 3, "year": [2026, 2026, 2031],
    ...     "member": ["USA"] * 3, "item": ["gallium"] * 3, "country": ["CHN", "JPN", "JPN"],
    ...     "quantity": [3.0, 1.0, 4.0]})
    >>> table = concern_share_change(flows, pd.DataFrame(columns=flows.columns), ["CHN"])
    >>> table[["before", "after"]].values.tolist()
    [[0.75, 0.0]]
"""

from __future__ import annotations

import pandas as pd

__all__ = ["concern_share_change"]


def concern_share_change(flows: pd.DataFrame, unmet: pd.DataFrame, concern: list[str],
                         scenario: str | None = None) -> pd.DataFrame:
    """Share of each member's demand for each item served from concern countries, in the
    first and the last year of the plan (one scenario, default the first in ``flows``).

    Columns: member, item, first_year, last_year, before, after (fractions 0-1 of demand;
    unmet demand counts in the denominator).
    """
    columns = ["member", "item", "first_year", "last_year", "before", "after"]
    if flows.empty:
        return pd.DataFrame(columns=columns)
    scenario = scenario or flows["scenario"].iloc[0]
    flows = flows[flows["scenario"] == scenario]
    unmet = unmet[unmet["scenario"] == scenario] if not unmet.empty else unmet
    keys = ["member", "item", "year"]
    total = flows.groupby(keys)["quantity"].sum()
    if not unmet.empty:
        total = total.add(unmet.groupby(keys)["quantity"].sum(), fill_value=0.0)
    concern_flows = flows[flows["country"].isin(concern)].groupby(keys)["quantity"].sum()
    share = (concern_flows.reindex(total.index).fillna(0.0) / total).rename("share")
    share = share.reset_index()
    first, last = share["year"].min(), share["year"].max()
    before = share[share["year"] == first].set_index(["member", "item"])["share"]
    after = share[share["year"] == last].set_index(["member", "item"])["share"]
    table = pd.DataFrame({"before": before, "after": after}).reset_index()
    table["first_year"], table["last_year"] = first, last
    return table[columns].sort_values(["item", "member"]).reset_index(drop=True)
