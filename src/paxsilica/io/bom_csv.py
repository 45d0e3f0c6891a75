"""Read a bill of materials from CSV.

Columns: ``part_id, parent_id, description, category, manufacturer,
country_of_origin, quantity``; one row per part, ``parent_id`` empty for the
top-level product, so a multi-level BOM is a tree through ``parent_id``. Values
are read as text; :func:`paxsilica.certify.bom.validate_bom` checks them.

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "bom.csv"
    >>> _ = path.write_text("part_id,parent_id,description,category,manufacturer,"
    ...     "country_of_origin,quantity\\nD1,,Drone,system,Acme,TW,1\\n")
    >>> read_bom_csv(path)[["part_id", "row", "component_type"]].to_dict("records")
    [{'part_id': 'D1', 'row': 2, 'component_type': 'hardware'}]
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from paxsilica.io.restricted import check_columns
from paxsilica.io.tables import read_table

__all__ = ["BOM_COLUMNS", "read_bom_csv"]

BOM_COLUMNS = ["part_id", "parent_id", "description", "category", "manufacturer",
               "country_of_origin", "quantity"]


def read_bom_csv(path: str | Path) -> pd.DataFrame:
    """The BOM's rows as text plus ``row`` (CSV line), ``file`` and ``component_type``.

    Raises:
        ValidationError: unreadable file or missing columns.
    """
    table = read_table(path)
    check_columns(table, BOM_COLUMNS, "bill of materials")
    frame = table.frame[BOM_COLUMNS].copy()
    frame["component_type"] = "hardware"
    frame["row"] = table.rows()
    frame["file"] = table.file
    return frame.reset_index(drop=True)
