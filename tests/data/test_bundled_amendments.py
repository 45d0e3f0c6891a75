"""The amendment tables in scripts/bundled/ and the bundled CSVs agree.

``scripts/build_bundled_data.py`` applies the amendments when it rebuilds the bundled
files from the reference tables (which tests must not read); these checks catch an
amendment edited without a rebuild, or a bundled file edited by hand against them.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from paxsilica.store.bundled import bundled_path

AMENDMENTS = Path(__file__).resolve().parents[2] / "scripts" / "bundled"
KEYS = {
    "supplies": ["item_id", "stage", "country", "company", "facility_id", "year"],
    "memberships": ["group_id", "country", "valid_from"],
    "export_controls": ["measure_id"],
    "policy_targets": ["item", "stage", "country_iso3", "company", "year"],
}


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("table", sorted(KEYS))
def test_amendments_are_applied_in_the_bundled_file(table):
    key = KEYS[table]
    bundled = {tuple(r[k] for k in key): r for r in _read(bundled_path(f"{table}.csv"))}
    changes = _read(AMENDMENTS / f"{table}_amendments.csv")
    assert changes
    for change in changes:
        action = change.pop("action")
        ident = tuple(change[k] for k in key)
        if action == "drop":
            assert ident not in bundled, ident
            continue
        assert ident in bundled, (action, ident)
        row = bundled[ident]
        for column, value in change.items():
            if not value:
                continue
            if column == "note" and action == "set":
                assert value in row["note"], (ident, column)
            else:
                assert row[column] == value, (ident, column, row[column], value)


def test_every_amendment_row_says_why():
    for path in sorted(AMENDMENTS.glob("*_amendments.csv")):
        for number, change in enumerate(_read(path), start=2):
            assert change["action"] in {"add", "replace", "set", "drop"}, (path.name, number)
            if change["action"] != "drop":
                assert change.get("note"), f"{path.name} line {number} has no note"
