"""Build ``src/paxsilica/data/item_parameters.csv`` (issue 18) from two tables of the repository.

Called by ``build_bundled_data.py`` after it writes ``supplies.csv``; also runnable alone:

    .venv/bin/python scripts/bundled_parameters.py

1. ``world_output`` rows are copied from the world (``WLD``) quantity rows of the bundled
   supplies, with their citation, so the two tables cannot drift apart; ``value_added_ratio``
   rows (USA, 2023) are derived from the bundled BEA summary Use table and the item-to-industry
   mapping (``data/io/``).
2. ``scripts/bundled/item_parameters.csv`` holds every other cited figure *as its source
   prints it*: a row may name a unit conversion in ``convert`` (e.g. ``usd_per_lb``: USD per
   pound to USD per tonne); the build multiplies value, low and high by the conversion's factor
   and appends the arithmetic to ``note``. A row of the table with the key of a copied
   ``world_output`` row replaces it (the table wins).

``tests/data/test_bundled_parameters.py`` rebuilds the file from the same two tables and
compares, so an edit of either without a rebuild fails.
"""

from __future__ import annotations

import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "paxsilica" / "data" / "item_parameters.csv"
SOURCE = Path(__file__).resolve().parent / "bundled" / "item_parameters.csv"
SUPPLIES = ROOT / "src" / "paxsilica" / "data" / "supplies.csv"
BEA_USE = ROOT / "src" / "paxsilica" / "data" / "io" / "bea_summary_2023_use.csv"
ITEM_INDUSTRIES = ROOT / "src" / "paxsilica" / "data" / "io" / "item_bea_industries.csv"
BEA_SOURCE = ("BEA Input-Output Accounts: The Use of Commodities by Industries, Before Redefinitions "
              "(Producers' Prices), Summary, 2023")
BEA_URL = ("https://apps.bea.gov/industry/xls/io-annual/"
           "IOUse_Before_Redefinitions_PRO_1997-2023_Summary.xlsx")

COLUMNS = ["item_id", "parameter", "country", "year", "value", "low", "high", "unit", "basis",
           "confidence", "source", "source_url", "note"]
KEY = ["item_id", "parameter", "country", "year"]

LB_PER_T = 1000 / 0.45359237
"""Pounds in a metric ton (the pound is 0.45359237 kg exactly)."""
W_AT, O_AT, LI_AT, C_AT = 183.84, 15.999, 6.94, 12.011
"""IUPAC standard atomic weights (Meija et al. 2016; abridged values) of W, O, Li, C."""

CONVERSIONS: dict[str, tuple[float, str]] = {
    "usd_per_lb": (LB_PER_T, "USD per lb x 2,204.623 lb per t = USD per t"),
    "cents_per_lb": (LB_PER_T / 100, "US cents per lb x 22.04623 = USD per t"),
    "cents_per_lb_kt": (LB_PER_T * 10, "US cents per lb x 22,046.23 = USD per kt"),
    "usd_per_kg": (1000.0, "USD per kg x 1,000 = USD per t"),
    "usd_per_mtu_wo3": (1000 / (10 * W_AT / (W_AT + 3 * O_AT)),
                        "USD per metric ton unit (10 kg) of WO3 x 1,000 / (10 x W/WO3 = "
                        "10 x 183.84/231.837) = USD per t W"),
    "cents_per_kwh": (1e7, "US cents per kWh x 10,000,000 (1e9 kWh per TWh / 100) = USD per TWh"),
    "usd_per_t_lce": ((2 * LI_AT + C_AT + 3 * O_AT) / (2 * LI_AT),
                      "USD per t of lithium carbonate x Li2CO3/2Li = 73.888/13.88 = USD per t "
                      "Li"),
}


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _number(text: str) -> str:
    """A float as the shortest text that reads back to the same value (no '1e+06' noise
    for round numbers)."""
    value = float(text)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def world_output_rows(supplies: list[dict[str, str]]) -> list[dict[str, str]]:
    """``world_output`` rows from the supplies' world quantity rows, citation included."""
    out = []
    for row in supplies:
        if row["country"] != "WLD" or not row["quantity"] or row["company"]:
            continue
        out.append({
            "item_id": row["item_id"], "parameter": "world_output", "country": "WLD",
            "year": row["year"], "value": _number(row["quantity"]), "low": "", "high": "",
            "unit": row["unit"], "basis": row["basis"], "confidence": row["confidence"],
            "source": row["source"], "source_url": row["source_url"],
            "note": f"Copied from the world row of supplies.csv. {row['note']}".strip(),
        })
    return out


def value_added_rows(use: list[dict[str, str]], mapping: list[dict[str, str]]) -> list[dict[str, str]]:
    """``value_added_ratio`` rows (country USA, 2023): total value added (T006) over industry
    output (T008) of each item's BEA summary industry, weighted by the mapping's shares."""
    by_code = {row["code"]: row for row in use}
    out: dict[str, list[tuple[float, dict[str, str]]]] = {}
    for line in mapping:
        out.setdefault(line["item_id"], []).append((float(line["share"]), line))
    rows = []
    for item, lines in out.items():
        parts, notes = 0.0, []
        for share, line in lines:
            value_added = float(by_code["T006"][line["bea_code"]])
            output = float(by_code["T008"][line["bea_code"]])
            parts += share * value_added / output
            notes.append(f"{line['bea_code']} {line['bea_name']}: {value_added:,.0f} / "
                         f"{output:,.0f} = {value_added / output:.4f}"
                         + (f" x {share:g}" if share != 1 else ""))
        confidence = "low" if any(line["confidence"] == "low" for _, line in lines) else "medium"
        rows.append({
            "item_id": item, "parameter": "value_added_ratio", "country": "USA", "year": "2023",
            "value": f"{parts:.4f}", "low": "", "high": "", "unit": "share", "basis": "derived",
            "confidence": confidence, "source": BEA_SOURCE, "source_url": BEA_URL,
            "note": ("Derived: total value added (T006) / total industry output (T008) of the "
                     "item's BEA summary industry, millions of USD, 2023: " + "; ".join(notes)
                     + ". The US industry's average, applied to the item (mapping in "
                     "data/io/item_bea_industries.csv); the item's own producers may differ."),
        })
    return rows


def converted(row: dict[str, str], number: int) -> dict[str, str]:
    """A source-table row in the bundled layout: converted to ``unit`` when it names a
    conversion (the arithmetic goes into the note)."""
    out = {column: (row.get(column) or "").strip() for column in COLUMNS}
    name = (row.get("convert") or "").strip()
    if not name:
        for column in ("value", "low", "high"):
            out[column] = _number(out[column]) if out[column] else ""
        return out
    if name not in CONVERSIONS:
        raise SystemExit(f"{SOURCE.name} line {number}: unknown conversion {name!r} "
                         f"(known: {', '.join(CONVERSIONS)})")
    factor, how = CONVERSIONS[name]
    printed = []
    for column in ("value", "low", "high"):
        if out[column]:
            printed.append(f"{column} {out[column]}")
            out[column] = _number(f"{float(out[column]) * factor:.6g}")
    out["note"] = (f"{out['note']} Converted from the printed figures ({', '.join(printed)}): "
                   f"{how}, rounded to 6 significant digits.").strip()
    return out


def item_parameter_rows(supplies: list[dict[str, str]], source: list[dict[str, str]],
                        use: list[dict[str, str]] | None = None,
                        mapping: list[dict[str, str]] | None = None) -> list[dict[str, str]]:
    """The bundled rows: world outputs from ``supplies`` and value-added ratios from the BEA
    ``use`` table and the item ``mapping``, then the source table's rows (a source row with
    the key of a generated row replaces it). Sorted by item, parameter, country, year."""
    generated = world_output_rows(supplies) + value_added_rows(use or [], mapping or [])
    rows = {tuple(r[k] for k in KEY): r for r in generated}
    seen: set[tuple[str, ...]] = set()
    for number, row in enumerate(source, start=2):
        out = converted(row, number)
        key = tuple(out[k] for k in KEY)
        if key in seen:
            raise SystemExit(f"{SOURCE.name} line {number}: duplicate key {key}")
        seen.add(key)
        rows[key] = out
    return sorted(rows.values(), key=lambda r: (r["item_id"], r["parameter"], r["country"],
                                                int(r["year"])))


def build_item_parameters() -> None:
    """Write ``item_parameters.csv`` from ``supplies.csv`` and the source table."""
    rows = item_parameter_rows(_read(SUPPLIES), _read(SOURCE), _read(BEA_USE),
                               _read(ITEM_INDUSTRIES))
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{OUT.name}: {len(rows)} rows")


if __name__ == "__main__":
    build_item_parameters()
