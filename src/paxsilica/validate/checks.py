"""Checks of one record kind that span rows, files or kinds (run by ``validate_table``).

Each check gets the file (for row numbers), its validated rows (``frame``, indexed by
position in the file) and ``context``, the stored tables by kind. Checks of sums,
units and cycles look at the incoming rows together with the stored rows that they do
not replace, so an import is refused when the store *after* it would be inconsistent.

Example:
    >>> "supplies" in CHECK_CONTEXT["supplies"] and "groups" in CHECK_CONTEXT["memberships"]
    True
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from itertools import pairwise

import numpy as np
import pandas as pd

from paxsilica.errors import RowError
from paxsilica.io.tables import Table
from paxsilica.model.country import resolve_country
from paxsilica.model.kinds import kind_named
from paxsilica.model.shares import row_shares

__all__ = ["CHECK_CONTEXT", "KIND_CHECKS", "SHARE_SUM_TOLERANCE", "STAKE_SUM_TOLERANCE",
           "with_stored"]

SHARE_SUM_TOLERANCE = 0.005
"""Shares of one item, stage and year may add up to at most 1 + this (source rounding)."""

STAKE_SUM_TOLERANCE = 0.5
"""Stakes in one company may add up to at most 100 + this percentage points (rounding)."""

SUPPLY_KEY = ["item_id", "stage", "year"]

Check = Callable[[Table, pd.DataFrame, Mapping[str, pd.DataFrame]], list[RowError]]


def _row(table: Table, position: object) -> int:
    return table.row(int(position))  # type: ignore[call-overload]


_MISSING = "\x00"
"""A missing key cell, as text (no cell read from a file holds a NUL)."""


def _keys(frame: pd.DataFrame, key: list[str]) -> pd.MultiIndex:
    """Each row's key as text (missing cells as :data:`_MISSING`), comparable across frames."""
    return pd.MultiIndex.from_arrays(
        [frame[column].astype(str).where(frame[column].notna(), _MISSING) for column in key])


def with_stored(kind_name: str, frame: pd.DataFrame,
                context: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The incoming rows and the stored rows of the same kind they do not replace (same key).

    Column ``position`` is the incoming row's position in the file, ``-1`` for a stored row.
    """
    kind = kind_named(kind_name)
    incoming = frame.assign(position=list(frame.index))
    stored = context.get(kind.name)
    if stored is None or stored.empty:
        return incoming.reset_index(drop=True)
    key = list(kind.key)
    kept = stored[~_keys(stored, key).isin(_keys(frame, key))]
    kept = kept[[column for column in frame.columns if column in kept.columns]]
    return pd.concat([incoming, kept.assign(position=-1)], ignore_index=True)


def _list(cell: object) -> list[str]:
    if isinstance(cell, list):
        return cell
    return [part for part in str(cell).split(";") if part] if isinstance(cell, str) else []


# --- supplies -------------------------------------------------------------------------

def _catalogue(context: Mapping[str, pd.DataFrame], column: str) -> dict[str, str]:
    items = context.get("items")
    if items is None or items.empty:
        return {}
    return dict(zip(items["item_id"], items[column], strict=True))


def _check_item_stage(table: Table, frame: pd.DataFrame, context: Mapping[str, pd.DataFrame],
                      hint: Callable[[str], str]) -> list[RowError]:
    """Rows whose stage is not their item's catalogue stage; ``hint(expected)`` ends the
    message with what to do."""
    stage_of = _catalogue(context, "stage")
    errors = []
    for position, item, stage in zip(frame.index, frame["item_id"], frame["stage"], strict=True):
        expected = stage_of.get(item)
        if expected is not None and pd.notna(stage) and stage != expected:
            errors.append(RowError(table.file, _row(table, position), "stage",
                                   f"{item} is produced at stage '{expected}' (items "
                                   f"catalogue), not '{stage}'; {hint(expected)}"))
    return errors


def check_supply_stage(table: Table, frame: pd.DataFrame,
                       context: Mapping[str, pd.DataFrame]) -> list[RowError]:
    """A supply row's stage is its item's stage (the catalogue says which stage makes it)."""
    return _check_item_stage(table, frame, context,
                             lambda expected: f"leave stage empty or use '{expected}'")


def check_facility_stage(table: Table, frame: pd.DataFrame,
                         context: Mapping[str, pd.DataFrame]) -> list[RowError]:
    """A facility's stage is the stage of the item it produces (a mine makes ore, not a
    fabricated part), as for supply rows."""
    return _check_item_stage(table, frame, context,
                             lambda expected: f"use stage '{expected}' or the item this "
                                              "facility makes at its stage")


def _last_rows(frame: pd.DataFrame) -> dict[tuple, int]:
    """The position of the last incoming row of each item, stage and year."""
    last = frame.assign(position=frame.index).groupby(SUPPLY_KEY)["position"].max()
    return dict(zip(last.index, last.tolist(), strict=True))


def check_supply_units(table: Table, frame: pd.DataFrame, context: Mapping[str, pd.DataFrame],
                       rows: pd.DataFrame | None = None) -> list[RowError]:
    """Units are the item's catalogue unit, so that quantities of one item can be added;
    stored rows of the same item, stage and year must be in that unit too.

    ``rows``: :func:`with_stored` of ``frame``, when the caller has it already.
    """
    unit_of = _catalogue(context, "unit")
    errors = []
    for position, item, unit, quantity in zip(frame.index, frame["item_id"], frame["unit"],
                                              frame["quantity"], strict=True):
        expected = unit_of.get(item)
        if expected is None or pd.isna(unit) or unit == expected:
            continue
        if expected == "share" and pd.notna(quantity):
            reason = f"{item} is measured as a share only (catalogue unit 'share'); give a share"
        else:
            reason = (f"unit '{unit}' is not the catalogue unit of {item} ('{expected}'); "
                      f"convert the quantity to {expected}")
        errors.append(RowError(table.file, _row(table, position), "unit", reason))
    rows = with_stored("supplies", frame, context) if rows is None else rows
    stored = rows[(rows["position"] < 0) & rows["unit"].notna()]
    expected_units = stored["item_id"].map(unit_of)
    stored = stored[expected_units.notna() & (stored["unit"] != expected_units)]
    if stored.empty:
        return errors
    other_units = stored.groupby(SUPPLY_KEY)["unit"].agg(lambda units: sorted(set(units)))
    last = _last_rows(frame)
    for (item, stage, year), other in other_units.items():
        if (item, stage, year) not in last:
            continue
        errors.append(RowError(table.file, _row(table, last[item, stage, year]), "unit",
                               f"rows already stored for {item}/{stage}/{year} are in "
                               f"{', '.join(map(repr, other))}, not the catalogue unit "
                               f"'{unit_of[item]}'; quantities in different units cannot be "
                               "added"))
    return errors


def check_share_sums(table: Table, frame: pd.DataFrame, context: Mapping[str, pd.DataFrame],
                     rows: pd.DataFrame | None = None) -> list[RowError]:
    """Shares of one item, stage and year (all rows but the world's) add up to <= 1.

    The shares are those the analytics compute (:func:`~paxsilica.model.shares.row_shares`,
    summed as :func:`~paxsilica.analytics.concentration.country_shares` does):
    a stated share, else quantity ÷ the larger of the world quantity and the sum of
    quantities. One error per offending group, at its last row in the file. ``rows``:
    :func:`with_stored` of ``frame``, when the caller has it already.
    """
    rows = with_stored("supplies", frame, context) if rows is None else rows
    rows = rows[rows["stage"].notna() & rows["item_id"].notna()]
    if rows.empty:
        return []
    rows = rows.assign(quantity=rows["quantity"].astype(float), share=rows["share"].astype(float))
    shares = row_shares(rows)
    totals = shares.groupby(SUPPLY_KEY)["computed"].sum()
    over = totals[totals > 1 + SHARE_SUM_TOLERANCE].rename("total")
    if over.empty:
        return []
    # a country's method is that of its first row, as in country_shares
    firsts = shares.join(over, on=SUPPLY_KEY, how="inner").drop_duplicates([*SUPPLY_KEY,
                                                                            "country"])
    methods = firsts.groupby(SUPPLY_KEY)["share_method"].agg(lambda m: sorted(set(m)))
    stored_groups = set(rows.loc[rows["position"] < 0, SUPPLY_KEY].itertuples(index=False))
    last = _last_rows(frame)
    errors = []
    for (item, stage, year), total in over.items():
        if (item, stage, year) not in last:
            continue  # only stored rows: not this file's problem
        stored = "with rows already stored, " if (item, stage, year) in stored_groups else ""
        errors.append(RowError(table.file, _row(table, last[item, stage, year]), "share",
                               f"{stored}shares of {item}/{stage}/{year} add up to "
                               f"{total:.3f} > 1 ({'; '.join(methods[item, stage, year])})"))
    return errors


def check_quantity_sums(table: Table, frame: pd.DataFrame, context: Mapping[str, pd.DataFrame],
                        rows: pd.DataFrame | None = None) -> list[RowError]:
    """The quantities of one item, stage and year (world row included, stored rows too)
    add up to a finite number.

    Each quantity is finite on its own (the record refuses ``inf``), but two of ``1e308``
    add up to infinity, and every share computed from that sum would be 0: a silent wrong
    answer. One error per group, at its last row in the file.

    >>> from paxsilica.io.tables import Table
    >>> rows = pd.DataFrame({"item_id": ["x", "x"], "stage": ["mine"] * 2, "year": [2024] * 2,
    ...                      "quantity": [1e308, 1e308], "share": [None, None]})
    >>> error = check_quantity_sums(Table(rows, "s.csv", 2), rows, {})[0]
    >>> error.row, error.field, error.reason[:39]
    (3, 'quantity', 'quantities of x/mine/2024 add up to mor')
    """
    rows = with_stored("supplies", frame, context) if rows is None else rows
    rows = rows[rows["stage"].notna() & rows["item_id"].notna() & rows["quantity"].notna()]
    if rows.empty:
        return []
    with np.errstate(over="ignore"):
        totals = rows.assign(quantity=rows["quantity"].astype(float)).groupby(SUPPLY_KEY)[
            "quantity"].sum()
    over = totals[~np.isfinite(totals.to_numpy())]
    if over.empty:
        return []
    stored_groups = set(rows.loc[rows["position"] < 0, SUPPLY_KEY].itertuples(index=False))
    last = _last_rows(frame)
    errors = []
    for item, stage, year in over.index:
        if (item, stage, year) not in last:
            continue  # only stored rows: not this file's problem
        stored = "with rows already stored, " if (item, stage, year) in stored_groups else ""
        errors.append(RowError(table.file, _row(table, last[item, stage, year]), "quantity",
                               f"{stored}quantities of {item}/{stage}/{year} add up to more "
                               f"than the largest number a float holds "
                               f"({np.finfo(float).max:.1e}); check the unit or the magnitude"))
    return errors


def check_supply_rows(table: Table, frame: pd.DataFrame,
                      context: Mapping[str, pd.DataFrame]) -> list[RowError]:
    """:func:`check_supply_units`, :func:`check_quantity_sums` and :func:`check_share_sums`
    on one :func:`with_stored`."""
    rows = with_stored("supplies", frame, context)
    with np.errstate(over="ignore", invalid="ignore"):  # an infinite sum is reported above
        return (check_supply_units(table, frame, context, rows)
                + check_quantity_sums(table, frame, context, rows)
                + check_share_sums(table, frame, context, rows))


# --- memberships, recipes, ownership, export controls ---------------------------------

def _group_statuses(context: Mapping[str, pd.DataFrame]) -> dict[str, list[str]]:
    groups = context.get("groups")
    if groups is None or groups.empty:
        return {}
    others = groups["other_statuses"] if "other_statuses" in groups else [None] * len(groups)
    return {group: _list(members) + _list(other) for group, members, other
            in zip(groups["group_id"], groups["member_statuses"], others, strict=True)}


def check_membership_status(table: Table, frame: pd.DataFrame,
                            context: Mapping[str, pd.DataFrame]) -> list[RowError]:
    """A membership's status is one of its group's member_statuses or other_statuses."""
    statuses = _group_statuses(context)
    errors = []
    for position, group, status in zip(frame.index, frame["group_id"], frame["status"],
                                       strict=True):
        known = statuses.get(group)
        if known is not None and status not in known:
            errors.append(RowError(
                table.file, _row(table, position), "status",
                f"status '{status}' is not a status of group {group} (known: "
                f"{', '.join(known)}; add it to the group's member_statuses or other_statuses)"))
    return errors


def _path(inputs: Mapping[str, set[str]], start: str, goal: str) -> list[str] | None:
    """Items from ``start`` to ``goal`` following output -> input links (breadth first)."""
    previous: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = [node]
            while previous[path[-1]] is not None:
                path.append(previous[path[-1]])  # type: ignore[arg-type]
            return path[::-1]
        for nxt in sorted(inputs.get(node, ())):
            if nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    return None


def check_recipe_cycles(table: Table, frame: pd.DataFrame,
                        context: Mapping[str, pd.DataFrame]) -> list[RowError]:
    """The recipe graph (stored and incoming lines) has no cycle: no item needs itself."""
    rows = with_stored("recipes", frame, context)
    inputs: dict[str, set[str]] = {}
    for output, item in zip(rows["output_item"], rows["input_item"], strict=True):
        inputs.setdefault(output, set()).add(item)
    errors, seen = [], set()
    for position, output, item in zip(frame.index, frame["output_item"], frame["input_item"],
                                      strict=True):
        if output == item:
            continue  # reported by the record itself
        path = _path(inputs, item, output)
        if path is None:
            continue
        cycle = [output, *path]
        links = frozenset(pairwise(cycle))
        if links in seen:
            continue
        seen.add(links)
        errors.append(RowError(table.file, _row(table, position), "input_item",
                               f"recipe cycle: {' ← '.join(cycle)} (an item would be an "
                               "input of itself)"))
    return errors


def check_stakes(table: Table, frame: pd.DataFrame,
                 context: Mapping[str, pd.DataFrame]) -> list[RowError]:
    """Stakes in one company (stored and incoming) add up to at most 100%."""
    rows = with_stored("ownership", frame, context)
    rows["percentage"] = rows["percentage"].astype(float)
    errors = []
    for owned, group in rows.groupby("owned_id"):
        total = float(group["percentage"].sum())
        mine = group[group["position"] >= 0]
        if total <= 100 + STAKE_SUM_TOLERANCE or mine.empty:
            continue
        stored = "with rows already stored, " if (group["position"] < 0).any() else ""
        errors.append(RowError(table.file, _row(table, mine["position"].max()), "percentage",
                               f"{stored}stakes in {owned} add up to {total:g}% > 100%"))
    return errors


def _is_code(text: str) -> str | None:
    """``None`` when ``text`` is an ISO3 or aggregate code, else a suggestion (or '')."""
    try:
        code = resolve_country(text)
    except KeyError:
        return ""
    return None if code == text else code


def check_control_targets(table: Table, frame: pd.DataFrame,
                          context: Mapping[str, pd.DataFrame]) -> list[RowError]:
    """Targets of a measure are 'all', group ids or ISO3 country codes."""
    groups = context.get("groups")
    known_groups = set(groups["group_id"]) if groups is not None and not groups.empty else set()
    errors = []
    for position, targets in zip(frame.index, frame["targets"], strict=True):
        for target in targets:
            if target == "all" or target in known_groups:
                continue
            suggestion = _is_code(target)
            if suggestion is None:
                continue
            hint = f"; did you mean '{suggestion}'?" if suggestion else ""
            errors.append(RowError(table.file, _row(table, position), "targets",
                                   f"unknown target '{target}' (use 'all', a group id or an "
                                   f"ISO3 country code{hint})"))
    return errors


def check_suspension_dates(table: Table, frame: pd.DataFrame,
                           context: Mapping[str, pd.DataFrame]) -> list[RowError]:
    """A suspension ends on or after the day it starts (``suspended_until`` >=
    ``suspended_from``); a measure cannot be suspended for a negative time."""
    errors = []
    for position, start, end in zip(frame.index, frame["suspended_from"],
                                    frame["suspended_until"], strict=True):
        if pd.notna(start) and pd.notna(end) and end < start:
            errors.append(RowError(table.file, _row(table, position), "suspended_until",
                                   f"suspended_until {end} is before suspended_from {start}"))
    return errors


KIND_CHECKS: dict[str, list[Check]] = {
    "supplies": [check_supply_stage, check_supply_rows],
    "memberships": [check_membership_status],
    "recipes": [check_recipe_cycles],
    "ownership": [check_stakes],
    "export_controls": [check_control_targets, check_suspension_dates],
    "facilities": [check_facility_stage],
}

CHECK_CONTEXT: dict[str, set[str]] = {
    "supplies": {"items", "supplies"},
    "memberships": {"groups"},
    "recipes": {"recipes"},
    "ownership": {"ownership"},
    "export_controls": {"groups"},
    "facilities": {"items"},
}
"""Stored tables each kind's checks read, besides those its references name."""
