"""Checks added after a new user's trial: overflowing sums, suspension dates, facility stages.

Each bad file is refused with file, row and field, and the store is unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from paxsilica.analytics.exposure import exposure
from paxsilica.errors import ValidationError
from paxsilica.model.network import StackNetwork
from paxsilica.store import Store, import_file

SUPPLIES = "item_id,country,year,quantity,unit,source,confidence\n"
CONTROLS = ("measure_id,issuer,announced,effective,suspended_from,suspended_until,items,kind,"
            "source,confidence\n")
FACILITIES = "facility_id,name,country,item_id,stage,source,confidence\n"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _refused(store: Store, kind: str, path: Path) -> ValidationError:
    before = store.table(kind)
    with pytest.raises(ValidationError) as caught:
        import_file(store, kind, path)
    pd.testing.assert_frame_equal(store.table(kind), before)
    return caught.value


def test_quantities_whose_sum_overflows_are_refused(store, tmp_path):
    # each 1e308 is finite; their sum is not, and every share from it would be 0
    path = _write(tmp_path, "s.csv", SUPPLIES
                  + "rare_earth_ore,AUS,2030,1e308,t REO,x,low\n"
                  + "rare_earth_ore,BRA,2030,1e308,t REO,x,low\n")
    error = _refused(store, "supplies", path).errors[0]
    assert (error.file, error.row, error.field) == (str(path), 3, "quantity")
    assert "rare_earth_ore/mine/2030" in error.reason and "add up to more" in error.reason


def test_overflow_with_a_stored_row_is_refused(store, tmp_path):
    import_file(store, "supplies", _write(tmp_path, "a.csv", SUPPLIES
                                          + "rare_earth_ore,AUS,2030,1e308,t REO,x,low\n"))
    error = _refused(store, "supplies", _write(
        tmp_path, "b.csv", SUPPLIES + "rare_earth_ore,BRA,2030,1.5e308,t REO,x,low\n")).errors[0]
    assert error.row == 2 and "with rows already stored" in error.reason


def test_large_but_finite_sums_are_accepted_and_shares_are_not_zero(store, tmp_path):
    import_file(store, "supplies", _write(tmp_path, "s.csv", SUPPLIES
                                          + "rare_earth_ore,AUS,2030,8e307,t REO,x,low\n"
                                          + "rare_earth_ore,BRA,2030,8e307,t REO,x,low\n"))
    table = exposure(StackNetwork.from_store(store), item="rare_earth_ore", year=2030)
    assert sorted(table["share"].round(6)) == [0.5, 0.5]


def test_suspension_ending_before_it_starts_is_refused(store, tmp_path):
    path = _write(tmp_path, "c.csv", CONTROLS
                  + "X-1,CHN,2024-01-01,2024-02-01,2025-11-09,2025-01-01,gallium,ban,x,low\n")
    error = _refused(store, "export_controls", path).errors[0]
    assert (error.row, error.field) == (2, "suspended_until")
    assert "before suspended_from" in error.reason


def test_suspension_of_one_day_is_accepted(store, tmp_path):
    path = _write(tmp_path, "c.csv", CONTROLS
                  + "X-1,CHN,2024-01-01,2024-02-01,2025-11-09,2025-11-09,gallium,ban,x,low\n")
    assert import_file(store, "export_controls", path).rows == 1


def test_facility_at_a_stage_its_item_is_not_made_at_is_refused(store, tmp_path):
    path = _write(tmp_path, "f.csv", FACILITIES
                  + "ok_mine,A mine,AUS,rare_earth_ore,mine,x,low\n"
                  + "bad_mine,A mine,AUS,rare_earth_ore,fabrication,x,low\n")
    error = _refused(store, "facilities", path).errors[0]
    assert (error.row, error.field) == (3, "stage")
    assert "'mine'" in error.reason and "'fabrication'" in error.reason


def test_overflow_refused_through_the_cli_and_exposure_unchanged(tmp_path):
    from typer.testing import CliRunner

    from paxsilica.cli.app import app

    runner = CliRunner()
    db = str(tmp_path / "o.duckdb")
    path = _write(tmp_path, "s.csv", SUPPLIES
                  + "rare_earth_ore,AUS,2030,1e308,t REO,x,low\n"
                  + "rare_earth_ore,BRA,2030,1e308,t REO,x,low\n")
    def supplies() -> int:
        status = runner.invoke(app, ["data", "status", "--format", "json", "--db", db])
        return next(r["rows"] for r in json.loads(status.stdout) if r["table"] == "supplies")

    before = supplies()
    result = runner.invoke(app, ["data", "import", "supplies", str(path), "--db", db])
    assert result.exit_code == 2 and "add up to more" in result.stderr
    assert "Traceback" not in result.output
    assert supplies() == before


def test_validating_the_store_finds_overflow_written_before_the_check(store):
    from paxsilica.io.tables import Table
    from paxsilica.store.importer import validate_store
    from paxsilica.validate.records import validate_table

    rows = pd.DataFrame({"item_id": ["rare_earth_ore"] * 2, "country": ["AUS", "BRA"],
                         "year": ["2030"] * 2, "quantity": ["1e308"] * 2, "unit": ["t REO"] * 2,
                         "source": ["x"] * 2, "confidence": ["low"] * 2})
    # an older paxsilica stored such rows: write them as it would have (no sum check)
    context = {"items": store.table("items"), "stages": store.table("stages")}
    frame = validate_table("supplies", Table(rows.iloc[:1], "a.csv", 2), context)
    frame2 = validate_table("supplies", Table(rows.iloc[1:].reset_index(drop=True), "b.csv", 2),
                            context)
    store.upsert("supplies", pd.concat([frame, frame2], ignore_index=True), "old.csv", "")
    with pytest.raises(ValidationError) as caught:
        validate_store(store)
    assert any(e.file == "store:supplies" and e.field == "quantity" and "add up to more" in e.reason
               for e in caught.value.errors)
