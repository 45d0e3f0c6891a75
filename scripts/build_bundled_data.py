"""Build the package's bundled data files from the cited reference tables.

Run by developers only (the package never reads shared/ at run time):

    .venv/bin/python scripts/build_bundled_data.py ../shared/reference

Writes src/paxsilica/data/{memberships,supplies,export_controls,policy_targets}.csv, then
item_parameters.csv (``bundled_parameters.py``: world outputs copied from the supplies' world
rows, and the cited figures of ``scripts/bundled/item_parameters.csv``).

After the reference rows are read, the amendment tables in ``scripts/bundled/`` are
applied (issue 13): each row has an ``action`` and the target table's key columns:

- ``add``: a new row (all columns given); the key must not exist yet;
- ``replace``: the row with that key is replaced by this one (all columns given);
- ``set``: the non-empty columns overwrite the existing row's, except ``note``, which
  is appended;
- ``drop``: the row with that key is removed (say why in docs/data.md or a note).

A key that an action expects but does not find (or finds when it should not) stops
the build, so the amendments cannot silently drift from the reference tables.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from bundled_parameters import build_item_parameters

OUT = Path(__file__).resolve().parents[1] / "src" / "paxsilica" / "data"
AMENDMENTS = Path(__file__).resolve().parent / "bundled"

MINERAL_ITEMS = {
    ("rare_earths", "mine"): "rare_earth_ore", ("gallium", "refining"): "gallium",
    ("germanium", "refining"): "germanium", ("graphite_natural", "mine"): "graphite_natural",
    ("antimony", "mine"): "antimony_ore", ("tungsten", "mine"): "tungsten_ore",
    ("cobalt", "mine"): "cobalt_ore", ("lithium", "mine"): "lithium_ore",
    ("nickel", "mine"): "nickel_ore", ("copper", "mine"): "copper_ore",
    ("copper", "refining"): "copper_refined", ("silicon_metal", "processing"): "silicon_metal",
}

SHARE_ITEMS = {
    ("semiconductor_wafer_fab_capacity", "fabrication"): ("wafer_fab_capacity", "fabrication"),
    ("advanced_logic_capacity_lt10nm", "fabrication"): ("advanced_logic_lt10nm", "fabrication"),
    ("foundry_market", "fabrication"): ("foundry_services", "fabrication"),
    ("osat_assembly_test_market", "packaging"): ("osat_assembly_test", "packaging"),
    ("hbm_memory", "memory"): ("hbm_memory", "memory"),
    ("euv_lithography_systems", "equipment"): ("euv_lithography_system", "equipment"),
    ("polysilicon", "processing"): ("polysilicon", "processing"),
    ("polysilicon_electronic_grade", "processing"): ("polysilicon_electronic_grade", "processing"),
    ("rare_earth_separation", "refining"): ("rare_earth_oxide", "refining"),
    ("rare_earth_refining", "refining"): ("rare_earth_oxide", "refining"),
    ("rare_earths", "refining"): ("rare_earth_oxide", "refining"),
    ("ndfeb_permanent_magnets", "processing"): ("ndfeb_magnet", "component"),
    ("gallium", "refining"): ("gallium", "refining"),
    ("germanium", "refining"): ("germanium", "refining"),
    ("graphite_battery_grade", "refining"): ("graphite_battery_grade", "refining"),
    ("tungsten", "unspecified"): ("tungsten_ore", "mine"),
    ("tungsten", "mine"): ("tungsten_ore", "mine"),
    ("lithium_chemicals", "refining"): ("lithium_chemicals", "refining"),
    ("antimony", "refining"): ("antimony_refined", "refining"),
    ("bismuth", "refining"): ("bismuth", "refining"),
    ("indium", "refining"): ("indium", "refining"),
    ("tellurium", "refining"): ("tellurium", "refining"),
    ("molybdenum", "refining"): ("molybdenum", "refining"),
    ("lfp_battery_cells", "processing"): ("lfp_battery_cells", "component"),
    ("battery_cells", "processing"): ("battery_cells", "component"),
    ("cobalt", "refining"): ("cobalt_refined", "refining"),
    ("cobalt", "mine"): ("cobalt_ore", "mine"),
    ("nickel", "refining"): ("nickel_refined", "refining"),
    ("copper", "refining"): ("copper_refined", "refining"),
    ("graphite_anode_material", "processing"): ("graphite_anode_material", "processing"),
    ("graphite_natural", "mine"): ("graphite_natural", "mine"),
    ("silicon_materials", "processing"): ("silicon_materials", "processing"),
    ("data_centre_electricity", "data_centre"): ("data_centre_electricity", "data_centre"),
}
TARGET_STAGES = {"domestic_self_supply_target", "domestic_production_target", "domestic_demand"}

CONTROL_ITEMS = {
    "CN-MOFCOM-GAC-2023-23": "gallium;germanium",
    "CN-MOFCOM-GAC-2023-39": "graphite_natural;graphite_battery_grade;graphite_anode_material",
    "CN-MOFCOM-MOST-2023-TECHCAT": "rare_earth_oxide;ndfeb_magnet",
    "CN-MOFCOM-GAC-2024-33": "antimony_ore;antimony_refined",
    "CN-MOFCOM-2024-46-2": "gallium;germanium;antimony_refined;graphite_battery_grade",
    "CN-MOFCOM-GAC-2025-10": "tungsten_ore;tellurium;bismuth;molybdenum;indium",
    "CN-MOFCOM-GAC-2025-18": "rare_earth_oxide;ndfeb_magnet",
    "CN-MOFCOM-GAC-2025-57": "rare_earth_oxide;ndfeb_magnet",
    "CN-MOFCOM-GAC-2025-58": "battery_cells;graphite_anode_material",
    "CN-MOFCOM-2025-61": "ndfeb_magnet",
    "CN-MOFCOM-2025-62": "rare_earth_oxide;ndfeb_magnet",
    "CD-ARECOMS-2025-001": "cobalt_ore",
    "CD-ARECOMS-2025-004": "cobalt_ore",
}

SUPPLY_COLUMNS = ["item_id", "stage", "country", "company", "facility_id", "year", "quantity",
                  "unit", "share", "basis", "source", "source_url", "confidence", "note"]


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write(name: str, columns: list[str], rows: list[dict]) -> None:
    with (OUT / name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{name}: {len(rows)} rows")


def _amend(rows: dict[tuple, dict], table: str, key: list[str]) -> dict[tuple, dict]:
    """Apply ``scripts/bundled/<table>_amendments.csv`` to ``rows`` (keyed by ``key``)."""
    path = AMENDMENTS / f"{table}_amendments.csv"
    if not path.exists():
        return rows
    rows = dict(rows)
    columns = list(next(iter(rows.values())))
    for number, change in enumerate(_read(path), start=2):
        action = change.pop("action")
        ident = tuple(str(change[k]) for k in key)
        found = ident in rows
        if found == (action == "add"):
            raise SystemExit(f"{path.name} line {number}: cannot {action} {ident} "
                             f"({'already present' if found else 'no such row'})")
        if action == "drop":
            del rows[ident]
        elif action in ("add", "replace"):
            rows[ident] = {c: change.get(c, "") for c in columns}
        elif action == "set":
            updated = dict(rows[ident])
            for column, value in change.items():
                if value and column == "note":
                    updated["note"] = f"{updated['note']} {value}".strip()
                elif value:
                    updated[column] = value
            rows[ident] = updated
        else:
            raise SystemExit(f"{path.name} line {number}: unknown action {action!r}")
    print(f"  applied {path.name}")
    return rows


def _basis(note: str, year: int) -> str:
    lowered = note.lower()
    if "projection" in lowered or year > 2026:
        return "projection"
    if lowered.startswith("derived"):
        return "derived"
    return "reported"


def build_supplies(reference: Path) -> None:
    rows: dict[tuple, dict] = {}
    withheld = 0
    for row in _read(reference / "mineral_production.csv"):
        if not row["quantity"]:
            withheld += 1  # USGS "W" (withheld) or no figure: not a zero, so no row
            continue
        item = MINERAL_ITEMS[(row["commodity"], row["stage"])]
        note = row["note"]
        key = (item, row["country_iso3"], "", int(row["year"]))
        rows[key] = {
            "item_id": item, "stage": "", "country": row["country_iso3"], "company": "",
            "facility_id": "", "year": row["year"], "quantity": row["quantity"],
            "unit": row["unit"], "share": "", "basis": "reported",
            "source": row["source_title"], "source_url": row["source_url"],
            "confidence": row["confidence"],
            # the figure is printed in the USGS table (basis reported); USGS itself marks
            # the edition's latest year as estimated ("e"), which the note keeps
            "note": ("Reported in the USGS table, which marks the edition's latest year as "
                     "estimated (e). " + note).strip(),
        }
    targets = []
    for row in _read(reference / "stage_shares.csv"):
        if row["stage"] in TARGET_STAGES:
            targets.append(row)
            continue
        item, stage = SHARE_ITEMS[(row["item"], row["stage"])]
        key = (item, row["country_iso3"], row["company"], int(row["year"]))
        stated = f"share {row['share']}" if row["share"] else f"{row['quantity']} {row['unit']}"
        if key in rows:  # the same figure as a quantity: keep it, cite the stated share
            rows[key]["note"] += f" Also stated: {stated} per {row['source_title']} ({row['confidence']})."
            continue
        note = row["note"]
        if row["stage"] != stage:
            note = f"Reference stage '{row['stage']}' mapped to '{stage}'. {note}".strip()
        rows[key] = {
            "item_id": item, "stage": stage, "country": row["country_iso3"],
            "company": row["company"], "facility_id": "", "year": row["year"],
            "quantity": row["quantity"], "unit": "" if row["unit"] == "share" and not row["quantity"]
            else row["unit"], "share": row["share"], "basis": _basis(note, int(row["year"])),
            "source": row["source_title"], "source_url": row["source_url"],
            "confidence": row["confidence"], "note": note,
        }
    key = ["item_id", "stage", "country", "company", "facility_id", "year"]
    rows = _amend({tuple(r[k] for k in key): r for r in rows.values()}, "supplies", key)
    _write("supplies.csv", SUPPLY_COLUMNS, list(rows.values()))
    print(f"  skipped {withheld} withheld/empty USGS quantities")
    key = ["item", "stage", "country_iso3", "company", "year"]
    targets = list(_amend({tuple(r[k] for k in key): r for r in targets}, "policy_targets",
                          key).values())
    _write("policy_targets.csv", list(targets[0]), targets)


def build_memberships(reference: Path) -> None:
    out = []
    for row in _read(reference / "coalition.csv"):
        out.append({
            "group_id": "pax_silica", "country": row["country_iso3"], "status": row["status"],
            "valid_from": row["date"], "valid_to": "", "event": row["event"],
            "source": row["source_title"], "source_url": row["source_url"],
            "confidence": row["confidence"], "basis": "reported", "note": row["note"],
        })
    for code, name in [("CHN", "China"), ("HKG", "Hong Kong"), ("MAC", "Macau")]:
        out.append({
            "group_id": "countries_of_concern", "country": code, "status": "member",
            "valid_from": "1900-01-01", "valid_to": "", "event": f"{name}: default country of concern",
            "source": "paxsilica default: China by default (product brief); 15 CFR 791.4 "
                      "includes Hong Kong and Macau in the PRC",
            "source_url": "https://www.ecfr.gov/current/title-15/subtitle-B/chapter-VII/"
                          "subchapter-E/part-791/subpart-A/section-791.4",
            "confidence": "high", "basis": "reported",
            "note": "A designation, not a dated event: valid_from is a placeholder before all data.",
        })
    columns = ["group_id", "country", "status", "valid_from", "valid_to", "event", "source",
               "source_url", "confidence", "basis", "note"]
    key = ["group_id", "country", "valid_from"]
    amended = _amend({tuple(r[k] for k in key): r for r in out}, "memberships", key)
    _write("memberships.csv", columns, sorted(amended.values(), key=lambda r: (
        r["group_id"] != "pax_silica", r["valid_from"], r["country"])))


def build_export_controls(reference: Path) -> None:
    out = []
    for row in _read(reference / "export_controls.csv"):
        mapped = CONTROL_ITEMS.get(row["measure_id"], "")
        note = row["note"]
        if mapped:
            note = f"item_ids are paxsilica's mapping of the listed items. {note}".strip()
        out.append({
            "measure_id": row["measure_id"], "issuer": row["issuer_iso3"],
            "announced": row["announced"], "effective": row["effective"],
            "suspended_from": row["suspended_from"], "suspended_until": row["suspended_until"],
            "items": row["items"], "item_ids": mapped, "targets": row["targets"],
            "kind": row["kind"], "source": row["source_title"], "source_url": row["source_url"],
            "confidence": row["confidence"], "basis": "reported", "note": note,
        })
    amended = _amend({(r["measure_id"],): r for r in out}, "export_controls", ["measure_id"])
    _write("export_controls.csv", list(out[0]), list(amended.values()))


if __name__ == "__main__":
    reference = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference")
    OUT.mkdir(parents=True, exist_ok=True)
    build_supplies(reference)
    build_memberships(reference)
    build_export_controls(reference)
    build_item_parameters()
