"""The HS -> catalogue item mapping (``data/hs_items.csv``) and helpers shared by the
trade readers (:mod:`paxsilica.io.baci`, :mod:`paxsilica.io.comtrade`).

A mapping row's ``hs_code`` (4 or 6 digits, dotted or not) selects every HS6 code that
starts with it; one HS code may map to several items (the import mix of 2805.30 serves
both NdPr metal and Dy/Tb), and one item may have several codes.

Example:
    >>> table = hs_item_map()
    >>> sorted(items_for_hs6("280530", table))
    ['dysprosium_terbium', 'ndpr_metal']
    >>> items_for_hs6("010121", table)
    []
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import resources

import duckdb
import pandas as pd

from paxsilica.errors import RowError, ValidationError

__all__ = ["MAX_LISTED", "TRADE_COLUMNS", "collect_errors", "hs_item_map", "items_for_hs6", "map_to_items",
           "raise_if"]

TRADE_COLUMNS = ["year", "exporter", "importer", "hs6", "item_id", "value_kusd", "quantity_t"]
MAX_LISTED = 200
"""At most this many problems are listed per check (a count of the rest follows)."""


@cache
def hs_item_map() -> pd.DataFrame:
    """The bundled mapping with a ``prefix`` column (digits only), one row per code and item."""
    path = resources.files("paxsilica.data").joinpath("hs_items.csv")
    with path.open("r", encoding="utf-8") as handle:
        table = pd.read_csv(handle, dtype=str, keep_default_na=False)
    table["prefix"] = table["hs_code"].str.replace(".", "", regex=False)
    return table


def items_for_hs6(hs6: str, table: pd.DataFrame | None = None) -> list[str]:
    """Catalogue items an HS6 code maps to (possibly none)."""
    table = hs_item_map() if table is None else table
    return table.loc[[hs6.startswith(prefix) for prefix in table["prefix"]], "item_id"].tolist()


def map_to_items(connection: duckdb.DuckDBPyConnection, relation: str,
                 extra: list[str] | None = None) -> pd.DataFrame:
    """Join a normalised relation (``year, exporter, importer, hs6, value_kusd, quantity_t``
    and the ``extra`` columns) with the HS map in DuckDB and return only mapped rows, one
    per item."""
    mapping = hs_item_map()[["prefix", "item_id"]]
    extra_columns = "".join(f", f.{column}" for column in extra or [])
    connection.register("hs_map", mapping)
    try:
        return connection.execute(
            f"SELECT f.year, f.exporter, f.importer, f.hs6, m.item_id, f.value_kusd, f.quantity_t{extra_columns} "
            f"FROM {relation} f JOIN hs_map m ON starts_with(f.hs6, m.prefix) "
            "ORDER BY f.year, f.hs6, m.item_id, f.exporter, f.importer").df()
    finally:
        connection.unregister("hs_map")


def collect_errors(connection: duckdb.DuckDBPyConnection, file: str,
                   checks: list[tuple[str, str, str]],
                   done: Callable[[float], None] | None = None) -> list[RowError]:
    """Run ``(field, SQL returning (line, value) rows, reason with {value})`` checks.

    Each query is wrapped to count all offending rows and list the first
    :data:`MAX_LISTED` (only when there are some: a good file is scanned once per check).
    ``done`` is told the fraction of checks run (progress display).
    """
    errors: list[RowError] = []
    for number, (field, query, reason) in enumerate(checks, start=1):
        total = connection.execute(f"SELECT count(*) FROM ({query})").fetchall()[0][0]
        if done is not None:
            done(number / len(checks))
        if not total:
            continue
        rows = connection.execute(f"SELECT * FROM ({query}) ORDER BY 1 LIMIT {MAX_LISTED}").fetchall()
        errors.extend(RowError(file, int(line), field, reason.format(value=value))
                      for line, value in rows)
        if total > MAX_LISTED:
            errors.append(RowError(file, None, field, f"{total - MAX_LISTED} more row(s) with the "
                                                      "same problem"))
    return errors


def raise_if(errors: list[RowError]) -> None:
    """Raise one :class:`ValidationError` when there are problems."""
    if errors:
        raise ValidationError(errors)
