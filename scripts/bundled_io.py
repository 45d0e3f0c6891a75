"""Bundle the US BEA summary Make and Use tables of one year as CSV (issue 18, item 4).

Run by developers only, on BEA's published workbooks (public domain, US government work):

    .venv/bin/python scripts/bundled_io.py DIR [YEAR]

``DIR`` holds ``IOUse_Before_Redefinitions_PRO_1997-2023_Summary.xlsx`` and
``IOMake_Before_Redefinitions_PRO_1997-2023_Summary.xlsx`` (BEA Input-Output Accounts, annual
tables, summary level, before redefinitions, producer prices; https://apps.bea.gov/industry/xls/
io-annual/). The sheet of ``YEAR`` (default 2023, the latest) is written to
``src/paxsilica/data/io/bea_summary_{YEAR}_{use,make}.csv`` in BEA's own layout: one row per
row code (commodities, then value-added rows; industries for Make), ``code, name`` and one column
per column code, values in millions of current US dollars as printed ("..." is written empty).
The package reads them with :mod:`paxsilica.io.bea`; nothing at run time reads the workbooks.

The workbooks are read with the standard library (an ``.xlsx`` is a zip of XML), so no
spreadsheet package is needed.
"""

from __future__ import annotations

import csv
import re
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

OUT = Path(__file__).resolve().parents[1] / "src" / "paxsilica" / "data" / "io"
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
FILES = {"use": "IOUse_Before_Redefinitions_PRO_1997-2023_Summary.xlsx",
         "make": "IOMake_Before_Redefinitions_PRO_1997-2023_Summary.xlsx"}


def _column(ref: str) -> int:
    letters = re.match(r"[A-Z]+", ref).group(0)  # type: ignore[union-attr]
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1


def sheet_rows(path: Path, sheet: str) -> list[list[str]]:
    """The cells of one worksheet as text, row by row (empty cells as '')."""
    with zipfile.ZipFile(path) as book:
        strings = [
            "".join(t.text or "" for t in item.iter(f"{{{NS['m']}}}t"))
            for item in ET.fromstring(book.read("xl/sharedStrings.xml")).findall("m:si", NS)]
        workbook = ET.fromstring(book.read("xl/workbook.xml"))
        rid = next(s.get(REL) for s in workbook.find("m:sheets", NS) if s.get("name") == sheet)
        rels = ET.fromstring(book.read("xl/_rels/workbook.xml.rels"))
        target = next(r.get("Target") for r in rels if r.get("Id") == rid)
        root = ET.fromstring(book.read(f"xl/{target.lstrip('/').removeprefix('xl/')}"))
    rows = []
    for row in root.iter(f"{{{NS['m']}}}row"):
        cells: dict[int, str] = {}
        for cell in row.findall("m:c", NS):
            value = cell.find("m:v", NS)
            inline = cell.find("m:is", NS)
            if cell.get("t") == "s" and value is not None:
                text = strings[int(value.text)]
            elif inline is not None:
                text = "".join(t.text or "" for t in inline.iter(f"{{{NS['m']}}}t"))
            else:
                text = value.text if value is not None and value.text else ""
            cells[_column(cell.get("r"))] = text.strip()
        width = max(cells, default=-1) + 1
        rows.append([cells.get(i, "") for i in range(width)])
    return rows


TOTALS = {"columns": {"Total Intermediate": "T001", "Total Final Uses (GDP)": "T004",
                      "Total Commodity Output": "T007", "Total Industry Output": "T008"},
          "rows": {"Total Intermediate": "T005", "Total Value Added": "T006",
                   "Total Industry Output": "T008", "Total Commodity Output": "T007"}}
"""BEA's codes for its total rows and columns, which the workbooks print without a code."""


def bea_table(rows: list[list[str]]) -> tuple[list[str], list[str], list[list[str]]]:
    """BEA's layout: a row whose second cell is 'Commodities/Industries' (Use) or
    'Industries/Commodities' (Make) holds the column codes, the row below their names; data
    rows have a code (or, for totals, a name in :data:`TOTALS`) and a name. Notes are dropped."""
    top = next(i for i, row in enumerate(rows)
               if len(row) > 1 and row[1] in ("Commodities/Industries", "Industries/Commodities"))
    codes_row, names_row = rows[top], rows[top + 2 - 1]
    width = len(names_row)
    names = names_row[2:width]
    columns = [(codes_row[i] if i < len(codes_row) else "") or TOTALS["columns"].get(names_row[i], "")
               for i in range(2, width)]
    if "" in columns:
        raise SystemExit(f"a column without a code: {names[columns.index('')]!r}")
    body = []
    for row in rows[top + 2:]:
        if len(row) < 3:
            continue  # notes
        code = row[0] or TOTALS["rows"].get(row[1], "")
        if not code:
            raise SystemExit(f"a row without a code: {row[1]!r}")
        body.append([code, *row[1:]])
    return columns, names, body


def write_table(kind: str, source: Path, year: str) -> Path:
    columns, names, body = bea_table(sheet_rows(source, year))
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"bea_summary_{year}_{kind}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "name", *columns])
        writer.writerow(["", "(column names)", *names])
        for row in body:
            values = [(row[i + 2] if i + 2 < len(row) else "") for i in range(len(columns))]
            values = ["" if v in ("...", "---") else v for v in values]
            writer.writerow([row[0], row[1], *values])
    print(f"{path.name}: {len(body)} rows x {len(columns)} columns")
    return path


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    year = sys.argv[2] if len(sys.argv) > 2 else "2023"
    for kind, name in FILES.items():
        write_table(kind, folder / name, year)
