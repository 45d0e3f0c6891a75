"""Checks of the market tables added for issue 21 (vendor shares, secondary supply) that
span rows: shares of one market add up to at most 1, and no vendor is counted twice.

Like :mod:`paxsilica.validate.checks`, each check sees the incoming rows together with the
stored rows they do not replace, so an import is refused when the store after it would be
inconsistent.

Example:
    >>> from paxsilica.io.tables import Table
    >>> rows = pd.DataFrame({"item_id": ["ran"] * 2, "market": ["DEU"] * 2, "year": [2022] * 2,
    ...                      "measure": ["revenue"] * 2, "vendors": [["huawei"], ["huawei", "zte"]],
    ...                      "share": [0.3, 0.5]})
    >>> print(check_vendor_shares(Table(rows, "v.csv", 2), rows, {})[0].reason)
    vendor 'huawei' is counted in two rows of ran/DEU/2022/revenue (rows 2 and 3)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from paxsilica.errors import RowError
from paxsilica.io.tables import Table
from paxsilica.validate.checks import SHARE_SUM_TOLERANCE, with_stored

__all__ = ["MARKET_CHECKS", "MARKET_CONTEXT", "check_secondary_shares", "check_vendor_shares"]

VENDOR_KEY = ["item_id", "market", "year", "measure"]
SECONDARY_KEY = ["item_id", "year", "measure"]


def _vendor_list(cell: object) -> list[str]:
    if isinstance(cell, list):
        return cell
    return [part for part in str(cell).split(";") if part] if isinstance(cell, str) else []


def _pair(table: Table, first: int, second: int) -> str:
    """``rows 2 and 3``, or ``a stored row and row 3``."""
    low, high = sorted([first, second])
    if low < 0:
        return f"a stored row and row {table.row(high)}"
    return f"rows {table.row(low)} and {table.row(high)}"


def _over_one(table: Table, rows: pd.DataFrame, key: list[str], label: str) -> list[RowError]:
    """One error per group of ``key`` whose shares add up to more than 1, at the group's
    last incoming row (groups of stored rows only are not this file's problem)."""
    rows = rows[rows["share"].notna()].assign(share=lambda f: f["share"].astype(float))
    errors = []
    for values, group in rows.groupby(key, sort=False):
        total = group["share"].sum()
        incoming = group[group["position"] >= 0]
        if total > 1 + SHARE_SUM_TOLERANCE and not incoming.empty:
            name = "/".join(str(v) for v in values)
            stored = "with rows already stored, " if (group["position"] < 0).any() else ""
            errors.append(RowError(table.file, table.row(int(incoming["position"].max())),
                                   "share", f"{stored}{label} of {name} add up to "
                                   f"{total:.3f} > 1"))
    return errors


def check_vendor_shares(table: Table, frame: pd.DataFrame,
                        context: Mapping[str, pd.DataFrame]) -> list[RowError]:
    """In one item, market, year and measure, each vendor appears in one row only (a vendor
    also reported inside a group would be counted twice) and the shares add up to <= 1."""
    # keys compare as stored text: a list cell is ';'-joined, as the store writes it
    joined = frame.assign(vendors=frame["vendors"].map(
        lambda cell: ";".join(cell) if isinstance(cell, list) else cell))
    rows = with_stored("vendor_shares", joined, context)
    rows = rows.assign(vendors=rows["vendors"].map(_vendor_list))
    errors = []
    for values, group in rows.groupby(VENDOR_KEY, sort=False):
        seen: dict[str, int] = {}
        name = "/".join(str(v) for v in values)
        for position, vendors in zip(group["position"], group["vendors"], strict=True):
            for vendor in vendors:
                first = seen.setdefault(vendor, int(position))
                if first == position or max(first, position) < 0:
                    continue
                errors.append(RowError(table.file, table.row(max(first, int(position))),
                                       "vendors", f"vendor '{vendor}' is counted in two rows "
                                       f"of {name} ({_pair(table, first, int(position))})"))
    return errors + _over_one(table, rows, VENDOR_KEY, "vendor shares")


def check_secondary_shares(table: Table, frame: pd.DataFrame,
                           context: Mapping[str, pd.DataFrame]) -> list[RowError]:
    """Countries' parts of world secondary output of one item, year and measure add up to
    at most 1."""
    rows = with_stored("secondary_supplies", frame, context)
    rows = rows[rows["share_of"] == "world_secondary"]
    if rows.empty:
        return []
    return _over_one(table, rows, SECONDARY_KEY, "parts of world secondary supply")


MARKET_CHECKS: dict[str, list[Callable[[Table, pd.DataFrame, Mapping[str, pd.DataFrame]],
                                       list[RowError]]]] = {
    "vendor_shares": [check_vendor_shares],
    "secondary_supplies": [check_secondary_shares],
}
"""Checks by record kind, merged into the validator's registry."""

MARKET_CONTEXT: dict[str, set[str]] = {
    "vendor_shares": {"vendor_shares"},
    "secondary_supplies": {"secondary_supplies"},
}
"""Stored tables each kind's checks read, besides those its references name."""
