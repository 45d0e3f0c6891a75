"""Read OpenSanctions ``targets.simple.csv`` exports.

Columns (OpenSanctions "simplified CSV" export): ``id, schema, name, aliases,
birth_date, countries, addresses, identifiers, sanctions, phones, emails,
program_ids, dataset, first_seen, last_seen, last_change``; multi-valued cells
are ``;``-joined; ``countries`` holds lower-case ISO 3166-1 alpha-2 codes. Only
``id``, ``schema`` and ``name`` are required here.

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "targets.simple.csv"
    >>> _ = path.write_text("id,schema,name,aliases,countries,identifiers,dataset,first_seen\\n"
    ...     "NK-1,Company,Acme Ltd,Acme;ACME Limited,cn;hk,,US CSL,2021-01-05T00:00:00\\n")
    >>> row = read_opensanctions(path).iloc[0]
    >>> row["aliases"], row["countries"], row["listed_on"]
    (['Acme', 'ACME Limited'], ['CHN', 'HKG'], '2021-01-05')
"""

from __future__ import annotations

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

__all__ = ["OPENSANCTIONS_COLUMNS", "read_opensanctions"]

OPENSANCTIONS_COLUMNS = ["id", "schema", "name", "aliases", "birth_date", "countries",
                         "addresses", "identifiers", "sanctions", "phones", "emails",
                         "program_ids", "dataset", "first_seen", "last_seen", "last_change"]
REQUIRED = ["id", "schema", "name"]


def read_opensanctions(path: str | Path) -> pd.DataFrame:
    """Entities of a ``targets.simple.csv`` file (see :data:`~paxsilica.io.restricted.ENTITY_COLUMNS`).

    Raises:
        ValidationError: missing columns, empty ids or names, duplicate ids, unknown
            countries, a ``first_seen`` that is not an ISO date or date-time.
    """
    table = read_table(path)
    check_columns(table, REQUIRED, "OpenSanctions targets.simple.csv")
    errors: list[RowError] = []
    records, rows = [], []
    for position, row in enumerate(table.frame.to_dict("records")):
        line = table.row(position)
        records.append({
            "entity_id": row["id"],
            "schema": row["schema"] or "LegalEntity",
            "name": row["name"],
            "aliases": split_multi(row.get("aliases")),
            "countries": list_countries(split_multi(row.get("countries")), table.file, line,
                                        "countries", errors, ftm_codes=True),
            "identifiers": split_multi(row.get("identifiers")),
            "programs": row.get("program_ids") or row.get("sanctions"),
            "dataset": row.get("dataset"),
            "listed_on": list_date(row.get("first_seen"), table.file, line, "first_seen",
                                   errors, timestamp=True),
        })
        rows.append(line)
    if errors:
        raise ValidationError(errors)
    return entity_frame(records, table.file, rows)
