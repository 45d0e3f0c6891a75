"""Read a user's copy of CelesTrak's satellite catalogue (SATCAT) in its CSV layout.

CelesTrak documents the layout at https://celestrak.org/satcat/satcat-format.php:
``OBJECT_NAME, OBJECT_ID, NORAD_CAT_ID, OBJECT_TYPE, OPS_STATUS_CODE, OWNER, LAUNCH_DATE,
LAUNCH_SITE, DECAY_DATE, PERIOD, INCLINATION, APOGEE, PERIGEE, RCS, DATA_STATUS_CODE,
ORBIT_CENTER, ORBIT_TYPE`` (dates ISO 8601, altitudes in km). paxsilica does not bundle
the catalogue: no licence for redistribution was found on its pages, so a user downloads
it and paxsilica counts the satellites of each constellation from it
(:func:`constellation_counts`). Only the columns below are read; others are ignored.

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "satcat.csv"
    >>> _ = path.write_text("OBJECT_NAME,NORAD_CAT_ID,OBJECT_TYPE,OWNER,LAUNCH_DATE,DECAY_DATE,"
    ...     "APOGEE,PERIGEE\\nSTARLINK-1007,44713,PAY,US,2019-11-11,,550,540\\n")
    >>> read_satcat(path)[["norad_id", "name", "owner", "perigee_km"]].to_dict("records")
    [{'norad_id': 44713, 'name': 'STARLINK-1007', 'owner': 'US', 'perigee_km': 540.0}]
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pandas as pd

from paxsilica.errors import RowError, ValidationError
from paxsilica.io.tables import read_table

__all__ = ["LEO_MAX_ALTITUDE_KM", "SATCAT_REQUIRED", "constellation_counts", "read_satcat"]

SATCAT_REQUIRED = ["OBJECT_NAME", "NORAD_CAT_ID", "OBJECT_TYPE", "LAUNCH_DATE", "DECAY_DATE"]
OPTIONAL = {"OBJECT_ID": "object_id", "OWNER": "owner", "APOGEE": "apogee_km",
            "PERIGEE": "perigee_km", "OPS_STATUS_CODE": "ops_status"}
LEO_MAX_ALTITUDE_KM = 2000.0
"""Low Earth orbit: apogee at most 2 000 km above the surface (the usual definition)."""
MAX_ALTITUDE_KM = 1e7
"""Beyond any Earth orbit a catalogue lists (the Moon is 384 400 km away): a larger value
is a corrupt cell, not an orbit."""


def _date(value: object, file: str, line: int, field: str, errors: list[RowError]) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        errors.append(RowError(file, line, field, f"expected a date YYYY-MM-DD, got {value!r}"))
        return None


def _altitude(value: object, file: str, line: int, field: str,
              errors: list[RowError]) -> float:
    if value is None:
        return math.nan
    try:
        number = float(str(value))
    except ValueError:
        errors.append(RowError(file, line, field, f"expected a number of km, got {value!r}"))
        return math.nan
    if not math.isfinite(number) or abs(number) > MAX_ALTITUDE_KM:
        errors.append(RowError(file, line, field, f"altitude {value!r} km is not a finite "
                                                  f"altitude of an Earth orbit"))
        return math.nan
    return number


def read_satcat(path: str | Path) -> pd.DataFrame:
    """The catalogue's objects: ``norad_id`` (int), ``name``, ``object_id``,
    ``object_type`` (``PAY`` payload, ``R/B``, ``DEB``, ``UNK``), ``owner`` (CelesTrak's
    ownership code, as written), ``launch_date``, ``decay_date`` (``date`` or None),
    ``apogee_km``, ``perigee_km`` (NaN when blank), ``ops_status``.

    Raises:
        ValidationError: every problem, each naming file, line and column: a missing
            column, an empty required cell, a catalogue number that is not a positive
            integer or appears twice, a date that is not ISO, a decay before the launch,
            an altitude that is not a finite number.
    """
    table = read_table(path)
    file = table.file
    missing = [c for c in SATCAT_REQUIRED if c not in table.frame.columns]
    if missing:
        names = ", ".join(f"'{column}'" for column in missing)
        raise ValidationError([RowError(file, 1, missing[0], f"missing column(s) {names}: not "
                                        "a CelesTrak SATCAT CSV (needs "
                                        f"{', '.join(SATCAT_REQUIRED)})")])
    if table.frame.empty:
        raise ValidationError([RowError(file, None, None, "the file has no data rows")])
    errors: list[RowError] = []
    records, seen = [], {}
    for position, row in enumerate(table.frame.to_dict("records")):
        line = table.row(position)
        for column in ("OBJECT_NAME", "NORAD_CAT_ID", "OBJECT_TYPE", "LAUNCH_DATE"):
            if row.get(column) is None:
                errors.append(RowError(file, line, column, "required value is empty"))
        raw = row.get("NORAD_CAT_ID")
        norad = int(raw) if raw is not None and str(raw).isdigit() and str(raw).isascii() else None
        if raw is not None and (norad is None or norad < 1 or norad > 999_999_999):
            errors.append(RowError(file, line, "NORAD_CAT_ID",
                                   f"expected a catalogue number 1-999999999, got {raw!r}"))
            norad = None
        if norad is not None:
            if norad in seen:
                errors.append(RowError(file, line, "NORAD_CAT_ID",
                                       f"catalogue number {norad} also on row {seen[norad]}"))
            seen.setdefault(norad, line)
        launched = _date(row.get("LAUNCH_DATE"), file, line, "LAUNCH_DATE", errors)
        decayed = _date(row.get("DECAY_DATE"), file, line, "DECAY_DATE", errors)
        if launched and decayed and decayed < launched:
            errors.append(RowError(file, line, "DECAY_DATE",
                                   f"decay {decayed} is before launch {launched}"))
        record = {"norad_id": norad, "name": row.get("OBJECT_NAME"),
                  "object_type": row.get("OBJECT_TYPE"), "launch_date": launched,
                  "decay_date": decayed}
        for column, name in OPTIONAL.items():
            record[name] = row.get(column)
        for column in ("APOGEE", "PERIGEE"):
            record[OPTIONAL[column]] = _altitude(row.get(column), file, line, column, errors)
        records.append(record)
    if errors:
        raise ValidationError(errors)
    columns = ["norad_id", "name", "object_id", "object_type", "owner", "launch_date",
               "decay_date", "apogee_km", "perigee_km", "ops_status"]
    frame = pd.DataFrame.from_records(records, columns=columns)
    frame["norad_id"] = frame["norad_id"].astype(int)
    return frame


def constellation_counts(satcat: pd.DataFrame, constellations: pd.DataFrame,
                         as_of: date) -> pd.DataFrame:
    """Satellites of each constellation in orbit on ``as_of``: payloads (``PAY``) whose
    name starts with one of the constellation's ``name_patterns`` (case and surrounding
    spaces ignored), launched on or before ``as_of`` and not decayed by then; objects with
    a known apogee above :data:`LEO_MAX_ALTITUDE_KM` are left out of LEO constellations.

    Columns: ``constellation_id, satellites, count_basis`` (``in_orbit``), ``year``,
    ``as_of``, ``patterns``. Constellations without patterns are left out. An object
    matching two constellations' patterns counts for the longer (more specific) pattern.

    >>> cat = pd.DataFrame({"name": ["STARLINK-1", "STARLINK-2", "ONEWEB-0012", "STARLINK-3"],
    ...     "object_type": ["PAY", "PAY", "PAY", "DEB"], "launch_date": [date(2020, 1, 1)] * 4,
    ...     "decay_date": [None, date(2023, 5, 1), None, None], "apogee_km": [550.0] * 4})
    >>> cons = pd.DataFrame({"constellation_id": ["starlink", "oneweb"], "orbit": ["LEO"] * 2,
    ...                      "name_patterns": [["STARLINK"], ["ONEWEB"]]})
    >>> constellation_counts(cat, cons, date(2024, 1, 1))[["constellation_id", "satellites"]].values.tolist()
    [['starlink', 1], ['oneweb', 1]]
    """
    payloads = satcat[satcat["object_type"].astype(str).str.strip().str.upper() == "PAY"]
    alive = payloads[payloads["launch_date"].map(lambda d: d is not None and d <= as_of)
                     & payloads["decay_date"].map(lambda d: d is None or d > as_of)]
    names = alive["name"].astype(str).str.strip().str.upper()
    patterns = [(str(p).strip().upper(), row.constellation_id, row.orbit)
                for row in constellations.itertuples(index=False)
                for p in (row.name_patterns or []) if str(p).strip()]
    patterns.sort(key=lambda entry: -len(entry[0]))  # most specific first
    owner = pd.Series([None] * len(alive), index=alive.index, dtype=object)
    for pattern, constellation, orbit in patterns:
        hits = owner.isna() & names.str.startswith(pattern)
        if orbit == "LEO":
            hits &= ~(alive["apogee_km"].astype(float) > LEO_MAX_ALTITUDE_KM)
        owner[hits] = constellation
    counts = owner.value_counts()
    rows = []
    for constellation in dict.fromkeys(c for _, c, _ in patterns):
        rows.append({"constellation_id": constellation,
                     "satellites": int(counts.get(constellation, 0)),
                     "count_basis": "in_orbit", "year": as_of.year, "as_of": as_of,
                     "patterns": sorted(p for p, c, _ in patterns if c == constellation)})
    order = list(constellations["constellation_id"])
    return (pd.DataFrame(rows, columns=["constellation_id", "satellites", "count_basis", "year",
                                        "as_of", "patterns"])
            .sort_values("constellation_id", key=lambda s: s.map(order.index))
            .reset_index(drop=True))
