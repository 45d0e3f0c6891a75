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

from pathlib import Path

import pandas as pd

from paxsilica.io.list_mapping import list_mapping, read_mapped_list, slug

__all__ = ["FCC_COLUMNS", "read_fcc_covered", "slug"]

FCC_COLUMNS = ["entity", "aliases", "country", "covered_equipment_or_services",
               "date_of_inclusion", "fcc_document"]


def read_fcc_covered(path: str | Path) -> pd.DataFrame:
    """Entities of the FCC Covered List CSV (see :data:`~paxsilica.io.restricted.ENTITY_COLUMNS`),
    mapped as ``io/lists.yaml`` declares under ``fcc_covered``.

    Raises:
        ValidationError: missing columns, empty entity, unknown country, a date that is
            missing or not a real ``YYYY-MM-DD`` date.
    """
    return read_mapped_list(path, list_mapping("fcc_covered"))
