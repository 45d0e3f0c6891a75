"""Read UN Comtrade (Comtrade Plus) bulk or "Get data" CSV exports of HS trade.

Columns used (Comtrade Plus names): ``refYear``, ``reporterISO``, ``partnerISO``
(alpha-3; ``reporterCode``/``partnerCode`` numeric M49 codes when the ISO columns are
absent), ``flowCode`` (``M`` import, ``X`` export; re-exports, re-imports and other
flows are skipped), ``cmdCode`` (HS code; only 6-digit codes are used), ``primaryValue``
(US dollars) and ``netWgt`` (kilograms, may be empty). When the file breaks flows down by
``customsCode``, ``motCode`` or ``partner2Code``, only the totals (``C00``, ``0``, ``0``)
are kept. Partner ``W00`` (World) rows are totals and are skipped. Code ``S19``
("Other Asia, nes") is Taiwan.

Both sides usually report a flow; importer reports are used, and exporter reports only
for (year, exporter, importer, HS6) combinations no importer reported (BACI reconciles
the two more carefully; prefer BACI when you have it).

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "TradeData.csv"
    >>> _ = path.write_text(
    ...     "refYear,reporterISO,partnerISO,flowCode,cmdCode,primaryValue,netWgt\\n"
    ...     "2023,JPN,CHN,M,850511,2500000,120000\\n")
    >>> read_comtrade(path)[["exporter", "importer", "item_id", "value_kusd", "quantity_t"]].to_dict("records")
    [{'exporter': 'CHN', 'importer': 'JPN', 'item_id': 'ndfeb_magnet', 'value_kusd': 2500.0, 'quantity_t': 120.0}]
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from paxsilica.errors import RowError, ValidationError
from paxsilica.io.hs_items import collect_errors, map_to_items, raise_if
from paxsilica.io.trade_csv import ReadProgress, checks_progress, csv_layout, duplicate_checks, file_lines, load_raw
from paxsilica.model.country import resolve_country

__all__ = ["COMTRADE_COLUMNS", "read_comtrade"]

COMTRADE_COLUMNS = ["refYear", "flowCode", "cmdCode", "primaryValue"]
WORLD = {"W00", "0"}
TAIWAN = {"S19": "TWN", "490": "TWN"}
COMTRADE_NUMERIC = {"842": "USA", "251": "FRA", "699": "IND", "757": "CHE", "579": "NOR"}
"""Comtrade's own area codes where they differ from ISO 3166 numeric codes (UN Comtrade
reference table of reporter areas: 842 USA incl. Puerto Rico and US Virgin Islands, 251
France incl. Monaco, 699 India, 757 Switzerland incl. Liechtenstein, 579 Norway incl.
Svalbard and Jan Mayen)."""
NOT_COUNTRIES_NUMERIC = {"129", "221", "290", "471", "472", "473", "492", "527", "536", "568", "577",
                         "636", "637", "697", "837", "838", "839", "879", "899"}
"""Comtrade partner areas that are not countries, whose rows are skipped like ``W00``:
"n.e.s." areas (129 Caribbean, 221 Eastern Europe, 290 Northern Africa, 471 CACM, 472
Africa CAMEU region, 473 LAIA, 492 Europe EU, 527 Oceania, 568 Other Europe, 577 Other
Africa, 636 Rest of America, 637 North and Central America, 697 Europe EFTA, 879 Western
Asia, 899 Areas n.e.s.), 536 Neutral Zone, 837 bunkers, 838 free zones and 839 special
categories. ISO-style partner codes that are not three letters (``_X``, ``E19``, ``X1``)
are such areas too; ``S19`` is Taiwan."""
OPTIONAL = ["reporterISO", "partnerISO", "reporterCode", "partnerCode", "netWgt",
            "customsCode", "motCode", "partner2Code", "period", "refMonth"]
KEY_OPTIONAL = ["period", "refMonth", "partner2Code", "customsCode", "motCode"]
"""Columns that, when present, are part of a row's key besides year, reporter, partner,
flow and commodity: a monthly file has twelve rows of one flow (``period``), and breakdowns
by customs procedure, transport mode or second partner have one row each."""


def _resolve(code: str) -> str | None:
    if code in TAIWAN:
        return TAIWAN[code]
    if code in COMTRADE_NUMERIC:
        return COMTRADE_NUMERIC[code]
    try:
        return resolve_country(code)
    except KeyError:
        return None


def read_comtrade(path: str | Path, progress: ReadProgress | None = None) -> pd.DataFrame:
    """Validate a Comtrade CSV and return its rows that map to catalogue items.

    Returns the columns of :func:`paxsilica.io.baci.read_baci` (value in thousand
    USD, quantity in metric tons from ``netWgt``). ``progress`` is told the fraction of the
    file read (see ``trade_csv.load_raw``).

    Raises
    ------
    ValidationError: missing columns, unknown reporter or partner codes, non-numeric or
        negative values and weights, malformed years, a flow given twice (file, line, field).
    """
    file = str(path)
    layout = csv_layout(path, file, COMTRADE_COLUMNS)
    header = layout.columns
    reporter = "reporterISO" if "reporterISO" in header else "reporterCode"
    partner = "partnerISO" if "partnerISO" in header else "partnerCode"
    missing = [c for c in (reporter, partner) if c not in header]
    if missing:
        raise ValidationError([RowError(file, 1, c, f"missing column {c!r} (or its ISO column)")
                               for c in missing])
    present = [c for c in OPTIONAL if c in header]
    wanted = list(dict.fromkeys([*COMTRADE_COLUMNS, reporter, partner, *present]))
    connection = duckdb.connect()
    try:
        load_raw(connection, layout, wanted, progress=progress)
        totals = ["1 = 1"]
        for column, total in (("customsCode", "C00"), ("motCode", "0"), ("partner2Code", "0")):
            if column in present:
                totals.append(f"\"{column}\" IN ('', '{total}')")
        world = ", ".join(f"'{w}'" for w in sorted(WORLD | NOT_COUNTRIES_NUMERIC))
        if partner == "partnerISO":  # area codes: '_X', 'E19'… (S19 is Taiwan, kept)
            totals.append(f"(\"{partner}\" IN ('S19', '') OR regexp_full_match(\"{partner}\", '[A-Za-z]{{3}}'))")
        connection.execute(
            f"CREATE TEMP VIEW used AS SELECT * FROM raw WHERE {' AND '.join(totals)} "
            f"AND \"flowCode\" IN ('M', 'X') AND \"{partner}\" NOT IN ({world}) "
            "AND regexp_full_match(\"cmdCode\", '[0-9]{6}')")
        codes = connection.execute(
            f'SELECT DISTINCT "{reporter}" FROM used UNION SELECT DISTINCT "{partner}" FROM used'
        ).fetchall()
        resolved = pd.DataFrame([(code, _resolve(code)) for (code,) in codes],
                                columns=["code", "iso3"])
        connection.register("countries", resolved)
        checks = [
            ("refYear", "SELECT line, \"refYear\" FROM raw WHERE NOT regexp_full_match(\"refYear\", '[0-9]{4}') "
                        'OR TRY_CAST("refYear" AS INTEGER) NOT BETWEEN 1900 AND 2100',
             "not a year: {value!r}"),
            ("primaryValue", 'SELECT line, "primaryValue" FROM raw WHERE TRY_CAST("primaryValue" AS DOUBLE) '
                             "IS NULL", "value is not a number: {value!r}"),
            ("primaryValue", 'SELECT line, "primaryValue" FROM raw WHERE TRY_CAST("primaryValue" AS DOUBLE) < 0',
             "negative trade value {value}"),
            ("primaryValue", 'SELECT line, "primaryValue" FROM raw WHERE NOT isfinite(TRY_CAST("primaryValue" '
                             "AS DOUBLE))", "value is not a finite number: {value!r}"),
            (reporter, f'SELECT line, "{reporter}" FROM used WHERE "{reporter}" IN '
                       "(SELECT code FROM countries WHERE iso3 IS NULL)", "unknown reporter code {value!r}"),
            (partner, f'SELECT line, "{partner}" FROM used WHERE "{partner}" IN '
                      "(SELECT code FROM countries WHERE iso3 IS NULL)", "unknown partner code {value!r}"),
        ]
        if "netWgt" in present:
            checks += [
                ("netWgt", "SELECT line, \"netWgt\" FROM raw WHERE \"netWgt\" <> '' AND "
                           'TRY_CAST("netWgt" AS DOUBLE) IS NULL', "net weight is not a number: {value!r}"),
                ("netWgt", 'SELECT line, "netWgt" FROM raw WHERE TRY_CAST("netWgt" AS DOUBLE) < 0',
                 "negative net weight {value}"),
                ("netWgt", "SELECT line, \"netWgt\" FROM raw WHERE \"netWgt\" <> '' AND "
                           'NOT isfinite(TRY_CAST("netWgt" AS DOUBLE))',
                 "net weight is not a finite number: {value!r}"),
            ]
        key = ['TRY_CAST("refYear" AS INTEGER)', f'"{reporter}"', f'"{partner}"', '"flowCode"',
               '"cmdCode"', *[f'"{column}"' for column in KEY_OPTIONAL if column in present]]
        checks += duplicate_checks(connection, "used", key, ",".join(
            ["refYear", reporter, partner, "flowCode", "cmdCode",
             *[column for column in KEY_OPTIONAL if column in present]]),
            "Comtrade has one row per year, reporter, partner, flow and commodity "
            "(and period, customs procedure, transport mode and second partner, where given)")
        raise_if(file_lines(layout, collect_errors(connection, file, checks,
                                                   checks_progress(progress))))
        weight = "TRY_CAST(nullif(u.\"netWgt\", '') AS DOUBLE) / 1000" if "netWgt" in present else "NULL"
        connection.execute(
            "CREATE TEMP VIEW oriented AS SELECT CAST(u.\"refYear\" AS INTEGER) AS year, "
            "CASE WHEN u.\"flowCode\" = 'M' THEN p.iso3 ELSE r.iso3 END AS exporter, "
            "CASE WHEN u.\"flowCode\" = 'M' THEN r.iso3 ELSE p.iso3 END AS importer, "
            "u.\"cmdCode\" AS hs6, CAST(u.\"primaryValue\" AS DOUBLE) / 1000 AS value_kusd, "
            f"{weight} AS quantity_t, u.\"flowCode\" AS flow FROM used u "
            f"JOIN countries r ON r.code = u.\"{reporter}\" JOIN countries p ON p.code = u.\"{partner}\"")
        connection.execute(
            "CREATE TEMP VIEW flows AS SELECT year, exporter, importer, hs6, "
            "CASE WHEN flow = 'M' THEN importer ELSE exporter END AS reporter, sum(value_kusd) AS value_kusd, "
            "sum(quantity_t) AS quantity_t FROM oriented o WHERE flow = 'M' OR NOT EXISTS ("
            "SELECT 1 FROM oriented m WHERE m.flow = 'M' AND m.year = o.year AND m.exporter = o.exporter "
            "AND m.importer = o.importer AND m.hs6 = o.hs6) GROUP BY ALL")
        return map_to_items(connection, "flows", extra=["reporter"])
    finally:
        connection.close()
