"""Checks of ``item_parameters`` rows that need the item catalogue or other rows.

The record itself (:class:`~paxsilica.model.parameters.ItemParameter`) checks what one row
can: a declared parameter, finite numbers in range, ``low <= value <= high``, literal units
and countries. Here, against the catalogue and the stored rows the import does not replace:

- ``world_output`` is in the item's output unit (its catalogue unit when that is a quantity;
  for a share-only item a quantity unit, the same in every row of the item);
- ``price`` is ``USD/<output unit>``;
- ``service_life_years`` is given for capital items only;
- ``consumption_share`` of one item and year adds up to at most 1 over countries.

Example:
    >>> sorted(CONTEXT)
    ['item_parameters', 'items']
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from paxsilica.errors import RowError
from paxsilica.io.tables import Table
from paxsilica.model.parameters import output_unit_problem, parameter_specs, price_unit
from paxsilica.validate.checks import SHARE_SUM_TOLERANCE, with_stored

__all__ = ["CHECKS", "CONTEXT", "check_capital_items", "check_parameter_sums",
           "check_parameter_units", "output_units"]


def _row(table: Table, position: object) -> int:
    return table.row(int(position))  # type: ignore[call-overload]


def _catalogue(context: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    items = context.get("items")
    if items is None or items.empty:
        return pd.DataFrame(columns=["item_id", "unit", "capital"]).set_index("item_id")
    return items.set_index("item_id")


def _truthy(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes"}
    return bool(value) and not pd.isna(value)  # type: ignore[call-overload]


def output_units(rows: pd.DataFrame, items: pd.DataFrame) -> dict[str, str]:
    """Each item's output unit: its catalogue unit when that is a quantity, else the unit
    of its ``world_output`` rows already stored (that the import keeps), else of its first
    incoming one. ``rows``: :func:`~paxsilica.validate.checks.with_stored` rows."""
    units = {item: unit for item, unit in items["unit"].items() if unit != "share"}
    outputs = rows[rows["parameter"] == "world_output"].sort_values("position", kind="stable")
    for item, unit in zip(outputs["item_id"], outputs["unit"], strict=True):
        units.setdefault(item, unit)
    return units


def check_parameter_units(table: Table, frame: pd.DataFrame,
                          context: Mapping[str, pd.DataFrame]) -> list[RowError]:
    """World output in the item's output unit, prices in USD per that unit."""
    items = _catalogue(context)
    rows = with_stored("item_parameters", frame, context)
    units = output_units(rows, items)
    errors = []
    for position, item, parameter, unit in zip(frame.index, frame["item_id"],
                                               frame["parameter"], frame["unit"], strict=True):
        if item not in items.index:
            continue  # reported as an unknown item
        catalogue_unit = items.at[item, "unit"]
        reason = None
        if parameter == "world_output":
            if catalogue_unit != "share" and unit != catalogue_unit:
                reason = (f"world output of {item} is in its catalogue unit "
                          f"'{catalogue_unit}', not '{unit}'; convert the figure")
            elif catalogue_unit == "share":
                reason = output_unit_problem(unit)
                if reason is None and unit != units[item]:
                    reason = (f"other world_output rows of {item} are in '{units[item]}'; "
                              "one item's output is in one unit (replace them all at once "
                              "to change it)")
        elif parameter == "price":
            expected = units.get(item)
            if expected is None:
                reason = (f"{item} is measured as a share only and has no world_output row "
                          "giving its output unit; add one, then price it in USD per that unit")
            elif unit != price_unit(expected):
                reason = (f"a price of {item} is in '{price_unit(expected)}' (USD per its "
                          f"output unit), not '{unit}'")
        if reason:
            errors.append(RowError(table.file, _row(table, position), "unit", reason))
    return errors


def check_capital_items(table: Table, frame: pd.DataFrame,
                        context: Mapping[str, pd.DataFrame]) -> list[RowError]:
    """Parameters declared for capital items (``service_life_years``) name capital items."""
    items = _catalogue(context)
    capital_only = {name for name, spec in parameter_specs().items() if spec.items == "capital"}
    errors = []
    for position, item, parameter in zip(frame.index, frame["item_id"], frame["parameter"],
                                         strict=True):
        if parameter not in capital_only or item not in items.index:
            continue
        if not _truthy(items.at[item, "capital"] if "capital" in items else False):
            errors.append(RowError(table.file, _row(table, position), "item_id",
                                   f"{parameter} applies to capital items only, and {item} is "
                                   "not flagged capital in the items catalogue"))
    return errors


def check_parameter_sums(table: Table, frame: pd.DataFrame,
                         context: Mapping[str, pd.DataFrame]) -> list[RowError]:
    """Values of a parameter with ``sum_max`` (consumption shares) add up to at most that
    over the countries of one item and year, stored rows included (+0.005 for rounding)."""
    limits = {name: spec.sum_max for name, spec in parameter_specs().items()
              if spec.sum_max is not None}
    rows = with_stored("item_parameters", frame, context)
    rows = rows[rows["parameter"].isin(limits)]
    if rows.empty:
        return []
    key = ["item_id", "parameter", "year"]
    totals = rows.assign(value=rows["value"].astype(float)).groupby(key)["value"].sum()
    mine = rows[rows["position"] >= 0].groupby(key)["position"].max()
    errors = []
    for (item, parameter, year), total in totals.items():
        if total <= limits[parameter] + SHARE_SUM_TOLERANCE or (item, parameter, year) not in mine:
            continue
        errors.append(RowError(table.file, _row(table, mine[item, parameter, year]), "value",
                               f"{parameter} of {item} in {year} adds up to {total:.3f} over "
                               f"countries, more than {limits[parameter]:g}"))
    return errors


CHECKS = [check_parameter_units, check_capital_items, check_parameter_sums]
CONTEXT = {"items", "item_parameters"}
"""Stored tables the checks read."""
