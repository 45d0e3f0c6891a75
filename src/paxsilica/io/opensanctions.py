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

from paxsilica.io.list_mapping import list_mapping, read_mapped_list

__all__ = ["OPENSANCTIONS_COLUMNS", "read_opensanctions"]

OPENSANCTIONS_COLUMNS = ["id", "schema", "name", "aliases", "birth_date", "countries",
                         "addresses", "identifiers", "sanctions", "phones", "emails",
                         "program_ids", "dataset", "first_seen", "last_seen", "last_change"]


def read_opensanctions(path: str | Path) -> pd.DataFrame:
    """Entities of a ``targets.simple.csv`` file (see :data:`~paxsilica.io.restricted.ENTITY_COLUMNS`),
    mapped as ``io/lists.yaml`` declares under ``opensanctions``.

    Raises:
        ValidationError: missing columns, empty ids or names, duplicate ids, unknown
            countries, a ``first_seen`` that is not an ISO date or date-time.
    """
    return read_mapped_list(path, list_mapping("opensanctions"))
