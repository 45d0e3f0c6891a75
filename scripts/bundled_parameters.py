"""Build ``src/paxsilica/data/item_parameters.csv`` (issue 18) from two tables of the repository.

Called by ``build_bundled_data.py`` after it writes ``supplies.csv``; also runnable alone:

    .venv/bin/python scripts/bundled_parameters.py

1. ``world_output`` rows are copied from the world (``WLD``) quantity rows of the bundled
   supplies, with their citation, so the two tables cannot drift apart.
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


def item_parameter_rows(supplies: list[dict[str, str]],
                        source: list[dict[str, str]]) -> list[dict[str, str]]:
    """The bundled rows: world outputs from ``supplies``, then the source table's rows (a
    source row with the key of a copied row replaces it). Sorted by item, parameter,
    country, year."""
    rows = {tuple(r[k] for k in KEY): r for r in world_output_rows(supplies)}
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
    rows = item_parameter_rows(_read(SUPPLIES), _read(SOURCE))
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{OUT.name}: {len(rows)} rows")


if __name__ == "__main__":
    build_item_parameters()
