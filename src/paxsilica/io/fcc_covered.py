"""Read the FCC Covered List (Secure Networks Act §2) transcribed as CSV.

The FCC publishes the list as a web page table (columns "Covered Equipment or
Services" and "Date of Inclusion on Covered List"). We read a CSV with one row
per producing entity: ``entity, aliases, country, covered_equipment_or_services,
date_of_inclusion, fcc_document`` (``aliases`` ``;``-joined; ``entity`` and
``date_of_inclusion`` required).

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "fcc.csv"
    >>> _ = path.write_text("entity,aliases,country,covered_equipment_or_services,"
    ...     "date_of_inclusion,fcc_document\\nZTE Corporation,ZTE,CN,telecommunications "
    ...     "equipment,2021-03-12,DA 21-309\\n")
    >>> read_fcc_covered(path)[["entity_id", "name", "countries"]].to_dict("records")
    [{'entity_id': 'fcc-zte-corporation', 'name': 'ZTE Corporation', 'countries': ['CHN']}]
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from paxsilica.errors import RowError, ValidationError
from paxsilica.io.restricted import (
    check_columns,
    entity_frame,
    list_countries,
    list_date,
    split_multi,
)
from paxsilica.io.tables import read_table

__all__ = ["FCC_COLUMNS", "read_fcc_covered", "slug"]

FCC_COLUMNS = ["entity", "aliases", "country", "covered_equipment_or_services",
               "date_of_inclusion", "fcc_document"]
REQUIRED = ["entity", "date_of_inclusion"]


def slug(text: str) -> str:
    """Lower-case ASCII id from a name: ``"ZTE Corp."`` → ``"zte-corp"``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def read_fcc_covered(path: str | Path) -> pd.DataFrame:
    """Entities of the FCC Covered List CSV (see :data:`~paxsilica.io.restricted.ENTITY_COLUMNS`).

    Raises:
        ValidationError: missing columns, empty entity, unknown country, a date that is
            missing or not a real ``YYYY-MM-DD`` date.
    """
    table = read_table(path)
    check_columns(table, REQUIRED, "FCC Covered List")
    errors: list[RowError] = []
    records, rows = [], []
    for position, row in enumerate(table.frame.to_dict("records")):
        line = table.row(position)
        date = list_date(row.get("date_of_inclusion"), table.file, line, "date_of_inclusion",
                         errors)
        if date is None and not row.get("date_of_inclusion"):
            errors.append(RowError(table.file, line, "date_of_inclusion",
                                   "expected a date YYYY-MM-DD, got an empty cell"))
        records.append({
            "entity_id": f"fcc-{slug(row['entity'])}" if row["entity"] else None,
            "schema": "Company", "name": row["entity"],
            "aliases": split_multi(row.get("aliases")),
            "countries": list_countries(split_multi(row.get("country")), table.file, line,
                                        "country", errors),
            "identifiers": [],
            "programs": row.get("covered_equipment_or_services"),
            "dataset": "FCC Covered List", "listed_on": date,
        })
        rows.append(line)
    if errors:
        raise ValidationError(errors)
    return entity_frame(records, table.file, rows)
