"""Read the DoD Section 1260H list ("Chinese military companies") transcribed as CSV.

DoD publishes the list as a Federal Register notice; we read a CSV with one row
per entity: ``name, aliases, country, date_listed, notice`` (``aliases``
``;``-joined, ``name`` required; ``country`` defaults to China).

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "dod.csv"
    >>> _ = path.write_text("name,aliases,country,date_listed,notice\\n"
    ...     "Autel Robotics Co. Ltd.,Autel,,2025-01-07,FR 2025-01-07\\n")
    >>> read_dod_1260h(path)[["entity_id", "countries"]].to_dict("records")
    [{'entity_id': 'dod1260h-autel-robotics-co-ltd', 'countries': ['CHN']}]
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from paxsilica.errors import RowError, ValidationError
from paxsilica.io.fcc_covered import slug
from paxsilica.io.restricted import (
    check_columns,
    entity_frame,
    list_countries,
    list_date,
    split_multi,
)
from paxsilica.io.tables import read_table

__all__ = ["DOD_1260H_COLUMNS", "read_dod_1260h"]

DOD_1260H_COLUMNS = ["name", "aliases", "country", "date_listed", "notice"]
REQUIRED = ["name", "date_listed"]


def read_dod_1260h(path: str | Path) -> pd.DataFrame:
    """Entities of the 1260H list CSV (see :data:`~paxsilica.io.restricted.ENTITY_COLUMNS`).

    Raises:
        ValidationError: missing columns, empty names, duplicate names, unknown country,
            a ``date_listed`` that is not a real ``YYYY-MM-DD`` date (it may be empty).
    """
    table = read_table(path)
    check_columns(table, REQUIRED, "DoD 1260H list")
    errors: list[RowError] = []
    records, rows = [], []
    for position, row in enumerate(table.frame.to_dict("records")):
        line = table.row(position)
        records.append({
            "entity_id": f"dod1260h-{slug(row['name'])}" if row["name"] else None,
            "schema": "Company", "name": row["name"],
            "aliases": split_multi(row.get("aliases")),
            "countries": list_countries(split_multi(row.get("country")) or ["CHN"],
                                        table.file, line, "country", errors),
            "identifiers": [],
            "programs": "NDAA FY2021 s.1260H", "dataset": "DoD 1260H list",
            "listed_on": list_date(row.get("date_listed"), table.file, line, "date_listed",
                                   errors),
        })
        rows.append(line)
    if errors:
        raise ValidationError(errors)
    return entity_frame(records, table.file, rows)
