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

from paxsilica.errors import RowError, ValidationError
from paxsilica.io.restricted import (
    check_columns,
    entity_frame,
    list_countries,
    list_date,
    split_multi,
)
from paxsilica.io.tables import read_table

__all__ = ["CSL_COLUMNS", "read_csl"]

CSL_COLUMNS = ["_id", "source", "entity_number", "type", "programs", "name", "title",
               "addresses", "federal_register_notice", "start_date", "end_date",
               "standard_order", "license_requirement", "license_policy", "call_sign",
               "vessel_type", "gross_tonnage", "gross_registered_tonnage", "vessel_flag",
               "vessel_owner", "remarks", "source_list_url", "alt_names", "citizenships",
               "dates_of_birth", "nationalities", "places_of_birth", "source_information_url",
               "ids"]
REQUIRED = ["_id", "source", "name"]
_SCHEMA = {"individual": "Person", "entity": "Organization", "vessel": "Vessel",
           "aircraft": "Airplane"}


def _address_countries(addresses: object) -> list[str]:
    return [address.rsplit(",", 1)[-1].strip() for address in split_multi(addresses)
            if "," in address]


def read_csl(path: str | Path) -> pd.DataFrame:
    """Entities of a CSL CSV (see :data:`~paxsilica.io.restricted.ENTITY_COLUMNS`).

    Raises:
        ValidationError: missing columns, empty ``_id`` or ``name``, duplicate ``_id``,
            unknown ``nationalities``/``citizenships``, a ``start_date`` that is not a date.
    """
    table = read_table(path)
    check_columns(table, REQUIRED, "Consolidated Screening List")
    errors: list[RowError] = []
    records, rows = [], []
    for position, row in enumerate(table.frame.to_dict("records")):
        line = table.row(position)
        # the last part of an address is its country when the address has one: kept when
        # it is a recognised country, skipped otherwise (a heuristic, not a stated field)
        countries = list_countries(_address_countries(row.get("addresses")), table.file, line,
                                   "addresses", [])
        for column in ("nationalities", "citizenships"):
            for code in list_countries(split_multi(row.get(column)), table.file, line, column,
                                       errors):
                if code not in countries:
                    countries.append(code)
        records.append({
            "entity_id": f"csl-{row['_id']}" if row["_id"] else None,
            "schema": _SCHEMA.get((row.get("type") or "entity").lower(), "Organization"),
            "name": row["name"],
            "aliases": split_multi(row.get("alt_names")),
            "countries": countries,
            "identifiers": split_multi(row.get("ids")),
            "programs": row.get("programs"),
            "dataset": row["source"],
            "listed_on": list_date(row.get("start_date"), table.file, line, "start_date",
                                   errors, timestamp=True),
        })
        rows.append(line)
    if errors:
        raise ValidationError(errors)
    return entity_frame(records, table.file, rows)
