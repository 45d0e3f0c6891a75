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

from paxsilica.io.list_mapping import list_mapping, read_mapped_list

__all__ = ["DOD_1260H_COLUMNS", "read_dod_1260h"]

DOD_1260H_COLUMNS = ["name", "aliases", "country", "date_listed", "notice"]


def read_dod_1260h(path: str | Path) -> pd.DataFrame:
    """Entities of the 1260H list CSV (see :data:`~paxsilica.io.restricted.ENTITY_COLUMNS`),
    mapped as ``io/lists.yaml`` declares under ``dod_1260h``.

    Raises:
        ValidationError: missing columns, empty names, duplicate names, unknown country,
            a ``date_listed`` that is not a real ``YYYY-MM-DD`` date (it may be empty).
    """
    return read_mapped_list(path, list_mapping("dod_1260h"))
