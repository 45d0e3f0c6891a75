"""Read CEPII BACI bilateral trade files (HS6, one CSV per year) with their country table.

Format (CEPII, "BACI: description", files ``BACI_HS22_Y2022_V202401.csv``): columns
``t`` (year), ``i`` (exporter), ``j`` (importer) as BACI numeric country codes, ``k``
(HS6 product code; read as text, and left-padded to 6 digits because spreadsheet
round-trips drop the leading zero), ``v`` (value, thousands of current USD) and ``q``
(quantity, metric tons; empty or ``NA`` when unknown). The country table
``country_codes_V202401.csv`` has ``country_code, country_name, country_iso2,
country_iso3`` (older releases: ``iso_3digit_alpha``). Code 490 ("Other Asia, nes")
is Taiwan, as in UN Comtrade.

The file is streamed and checked in DuckDB (every row); only rows whose HS6 code
maps to a catalogue item (``data/hs_items.csv``) are returned.

Example:
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "codes.csv").write_text(
    ...     "country_code,country_name,country_iso2,country_iso3\\n156,China,CN,CHN\\n392,Japan,JP,JPN\\n")
    >>> _ = (folder / "BACI_HS22_Y2022_V202401.csv").write_text(
    ...     "t,i,j,k,v,q\\n2022,156,392,280530,1200.5,35.2\\n2022,156,392,10121,3.0,NA\\n")
    >>> read_baci(folder / "BACI_HS22_Y2022_V202401.csv", folder / "codes.csv")[
    ...     ["exporter", "importer", "hs6", "item_id", "value_kusd"]].to_dict("records")[0]
    {'exporter': 'CHN', 'importer': 'JPN', 'hs6': '280530', 'item_id': 'dysprosium_terbium', 'value_kusd': 1200.5}
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pycountry

from paxsilica.errors import RowError, ValidationError
from paxsilica.io.hs_items import collect_errors, map_to_items, raise_if
from paxsilica.io.trade_csv import ReadProgress, checks_progress, csv_layout, duplicate_checks, file_lines, load_raw
from paxsilica.model.country import resolve_country

__all__ = ["BACI_COLUMNS", "read_baci", "read_baci_codes"]

BACI_COLUMNS = ["t", "i", "j", "k", "v", "q"]
TAIWAN_CODE = "490"
KEY_SQL = ["TRY_CAST(t AS INTEGER)", "TRY_CAST(i AS BIGINT)", "TRY_CAST(j AS BIGINT)",
           "lpad(k, 6, '0')"]
"""A BACI row's key, (t, i, j, k), compared as numbers (``0392`` is ``392``)."""


def _historic(iso3: str) -> str | None:
    """A former country's ISO 3166-3 alpha-3 code (BACI's early years: ANT Netherlands
    Antilles, SCG Serbia and Montenegro, YUG, CSK, SUN), kept as given; else None."""
    country = pycountry.historic_countries.get(alpha_3=iso3.upper()) if len(iso3) == 3 else None
    return country.alpha_3 if country is not None else None


def read_baci_codes(path: str | Path) -> pd.DataFrame:
    """The BACI country table: ``code, name, iso3, line`` (``iso3`` None if not a country
    paxsilica knows; an error only arises if a trade row uses it)."""
    file = str(path)
    layout = csv_layout(path, file, ["country_code"])
    header = layout.columns
    iso_column = next((c for c in ("country_iso3", "iso_3digit_alpha") if c in header), None)
    if iso_column is None:
        raise ValidationError([RowError(file, 1, "country_iso3",
                                        "missing column 'country_iso3' (or 'iso_3digit_alpha')")])
    name_column = next((c for c in ("country_name", "country_name_abbreviation") if c in header),
                       None)
    connection = duckdb.connect()
    try:
        load_raw(connection, layout, [c for c in ("country_code", iso_column, name_column) if c])
        table = connection.execute("SELECT * FROM raw ORDER BY line").df()
    finally:
        connection.close()
    errors, rows = [], []
    for row in table.to_dict("records"):
        line = int(row["line"])
        code = str(row["country_code"]).strip()
        if not code.isdigit():
            errors.append(RowError(file, line, "country_code", f"not a numeric code: {code!r}"))
            continue
        code = str(int(code))
        iso3 = str(row[iso_column]).strip()
        try:
            resolved: str | None = "TWN" if code == TAIWAN_CODE else resolve_country(iso3)
        except KeyError:
            resolved = _historic(iso3)
        rows.append((code, str(row.get(name_column, "")) if name_column else "", iso3, resolved, line))
    if errors:
        raise ValidationError(errors)
    frame = pd.DataFrame(rows, columns=["code", "name", "iso3_given", "iso3", "line"])
    duplicated = frame[frame["code"].duplicated()]
    if not duplicated.empty:
        raise ValidationError([RowError(file, int(r.line), "country_code", f"duplicate code {r.code}")
                               for r in duplicated.itertuples()])
    return frame


def read_baci(path: str | Path, codes_path: str | Path,
              progress: ReadProgress | None = None) -> pd.DataFrame:
    """Validate a whole BACI year file and return its rows that map to catalogue items.

    Returns
    -------
    DataFrame ``year, exporter, importer`` (ISO3), ``hs6, item_id, value_kusd``
    (thousand USD), ``quantity_t`` (metric tons, NaN when unknown); one row per item.
    ``progress`` is told the fraction of the file read (see ``trade_csv.load_raw``).

    Raises
    ------
    ValidationError: missing columns, unknown country codes, non-numeric or negative
        values or quantities, malformed years or HS codes, a (t, i, j, k) given twice
        (file, line, field).
    """
    file = str(path)
    layout = csv_layout(path, file, BACI_COLUMNS)
    codes = read_baci_codes(codes_path)
    connection = duckdb.connect()
    try:
        connection.register("codes", codes)
        load_raw(connection, layout, BACI_COLUMNS, progress=progress)
        checks = [
            # digits only: DuckDB's casts also read '2022.4', '0x9C' and '1_56' as integers
            ("t", "SELECT line, t FROM raw WHERE NOT regexp_full_match(t, '[0-9]{4}') "
                  "OR TRY_CAST(t AS INTEGER) NOT BETWEEN 1900 AND 2100", "not a year: {value!r}"),
            ("k", "SELECT line, k FROM raw WHERE NOT regexp_full_match(k, '[0-9]{1,6}')",
             "not an HS6 product code: {value!r}"),
            ("v", "SELECT line, v FROM raw WHERE TRY_CAST(v AS DOUBLE) IS NULL",
             "value is not a number: {value!r}"),
            ("v", "SELECT line, v FROM raw WHERE TRY_CAST(v AS DOUBLE) < 0",
             "negative trade value {value}"),
            ("v", "SELECT line, v FROM raw WHERE NOT isfinite(TRY_CAST(v AS DOUBLE))",
             "value is not a finite number: {value!r}"),
            ("q", "SELECT line, q FROM raw WHERE q NOT IN ('', 'NA') AND TRY_CAST(q AS DOUBLE) IS NULL",
             "quantity is not a number: {value!r}"),
            ("q", "SELECT line, q FROM raw WHERE TRY_CAST(q AS DOUBLE) < 0", "negative quantity {value}"),
            ("q", "SELECT line, q FROM raw WHERE q NOT IN ('', 'NA') AND NOT isfinite(TRY_CAST(q AS DOUBLE))",
             "quantity is not a finite number: {value!r}"),
        ]
        for column, role in (("i", "exporter"), ("j", "importer")):
            checks.append((column, f"SELECT line, {column} FROM raw WHERE NOT regexp_full_match("
                                   f"{column}, '[0-9]{{1,9}}') OR CAST(TRY_CAST({column} AS BIGINT) AS VARCHAR) NOT IN "
                                   "(SELECT code FROM codes)",
                           f"unknown BACI country code {{value!r}} ({role}; not in {Path(codes_path).name})"))
            checks.append((column, f"SELECT line, {column} FROM raw WHERE CAST(TRY_CAST({column} AS BIGINT) "
                                   "AS VARCHAR) IN (SELECT code FROM codes WHERE iso3 IS NULL)",
                           f"BACI code {{value}} ({role}) is not a country paxsilica knows "
                           f"(see {Path(codes_path).name})"))
        checks += duplicate_checks(connection, "raw", KEY_SQL, "t,i,j,k",
                                   "BACI has one row per year, exporter, importer and product")
        raise_if(file_lines(layout, collect_errors(connection, file, checks,
                                                   checks_progress(progress))))
        connection.execute(
            "CREATE TEMP VIEW flows AS SELECT CAST(r.t AS INTEGER) AS year, e.iso3 AS exporter, "
            "m.iso3 AS importer, lpad(r.k, 6, '0') AS hs6, CAST(r.v AS DOUBLE) AS value_kusd, "
            "TRY_CAST(nullif(r.q, 'NA') AS DOUBLE) AS quantity_t FROM raw r "
            "JOIN codes e ON e.code = CAST(CAST(r.i AS BIGINT) AS VARCHAR) "
            "JOIN codes m ON m.code = CAST(CAST(r.j AS BIGINT) AS VARCHAR)")
        return map_to_items(connection, "flows")
    finally:
        connection.close()
