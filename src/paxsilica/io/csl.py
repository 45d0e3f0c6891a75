"""Read the US Consolidated Screening List (CSL) CSV published by trade.gov.

Header of the official download: ``_id, source, entity_number, type, programs,
name, title, addresses, federal_register_notice, start_date, end_date,
standard_order, license_requirement, license_policy, call_sign, vessel_type,
gross_tonnage, gross_registered_tonnage, vessel_flag, vessel_owner, remarks,
source_list_url, alt_names, citizenships, dates_of_birth, nationalities,
places_of_birth, source_information_url, ids``. Multi-valued cells are
``;``-joined; each address ends with its country code. Required here: ``_id``,
``source`` and ``name``.

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "csl.csv"
    >>> _ = path.write_text("_id,source,type,programs,name,addresses,start_date,alt_names\\n"
    ...     'x1,Entity List (EL) - Bureau of Industry and Security,,EAR,Acme Ltd,'
    ...     '"1 Road, Shenzhen, CN",2020-08-20,Acme; ACME Co\\n')
    >>> row = read_csl(path).iloc[0]
    >>> row["entity_id"], row["countries"], row["aliases"]
    ('csl-x1', ['CHN'], ['Acme', 'ACME Co'])
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from paxsilica.io.list_mapping import list_mapping, read_mapped_list

__all__ = ["CSL_COLUMNS", "read_csl"]

CSL_COLUMNS = ["_id", "source", "entity_number", "type", "programs", "name", "title",
               "addresses", "federal_register_notice", "start_date", "end_date",
               "standard_order", "license_requirement", "license_policy", "call_sign",
               "vessel_type", "gross_tonnage", "gross_registered_tonnage", "vessel_flag",
               "vessel_owner", "remarks", "source_list_url", "alt_names", "citizenships",
               "dates_of_birth", "nationalities", "places_of_birth", "source_information_url",
               "ids"]
def read_csl(path: str | Path) -> pd.DataFrame:
    """Entities of a CSL CSV (see :data:`~paxsilica.io.restricted.ENTITY_COLUMNS`), mapped
    as ``io/lists.yaml`` declares under ``csl``.

    Raises:
        ValidationError: missing columns, empty ``_id`` or ``name``, duplicate ``_id``,
            unknown ``nationalities``/``citizenships``, a ``start_date`` that is not a date.
    """
    return read_mapped_list(path, list_mapping("csl"))
