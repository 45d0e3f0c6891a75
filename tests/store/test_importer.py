"""Imports are validated, transactional and idempotent; bad input names file, row and field."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from paxsilica.errors import ValidationError
from paxsilica.store import Store, export_store, import_file, open_store

HEADER = "item_id,stage,country,year,quantity,unit,share,source,confidence\n"


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _snapshot(store: Store) -> dict[str, pd.DataFrame]:
    return {kind: store.table(kind) for kind in ("supplies", "items", "memberships")}


def _assert_unchanged(store: Store, before: dict[str, pd.DataFrame]) -> None:
    for kind, frame in before.items():
        pd.testing.assert_frame_equal(store.table(kind), frame)


def test_import_adds_rows_with_their_source(store, tmp_path):
    path = _write(tmp_path, "s.csv", HEADER +
                  "gallium,refining,Japan,2099,4000,kg Ga,,Test source A,medium\n")
    report = import_file(store, "supplies", path)
    assert report.rows == 1
    rows = store.table("supplies").query("year == 2099")
    assert rows["country"].tolist() == ["JPN"]
    assert rows["source"].tolist() == ["Test source A"]
    assert rows["import_id"].tolist() == [report.import_id]


def test_reimport_is_idempotent(store, tmp_path):
    path = _write(tmp_path, "s.csv", HEADER +
                  "gallium,refining,JPN,2099,4000,kg Ga,,Test,medium\n"
                  "gallium,refining,KOR,2099,1000,kg Ga,,Test,medium\n")
    import_file(store, "supplies", path)
    count = store.count("supplies")
    import_file(store, "supplies", path)
    assert store.count("supplies") == count
    log = store.imports()
    assert (log["file"] == str(path)).sum() == 2


def test_reimport_with_a_changed_value_replaces_the_row(store, tmp_path):
    first = _write(tmp_path, "a.csv", HEADER + "gallium,refining,JPN,2099,4000,kg Ga,,A,medium\n")
    second = _write(tmp_path, "b.csv", HEADER + "gallium,refining,JPN,2099,5000,kg Ga,,B,high\n")
    import_file(store, "supplies", first)
    import_file(store, "supplies", second)
    rows = store.table("supplies").query("year == 2099 and country == 'JPN'")
    assert rows["quantity"].tolist() == [5000.0]
    assert rows["source"].tolist() == ["B"]


def test_missing_stage_takes_the_items_stage(store, tmp_path):
    path = _write(tmp_path, "s.csv", "item_id,country,year,quantity,unit,source,confidence\n"
                  "tungsten_ore,Portugal,2099,500,t W,T,low\n")
    import_file(store, "supplies", path)
    row = store.table("supplies").query("year == 2099")
    assert row["stage"].tolist() == ["mine"]


BAD_INPUTS = {
    "unknown country": (HEADER + "gallium,refining,Atlantis,2099,1,kg Ga,,S,high\n",
                        2, "country", "unknown country 'Atlantis'"),
    "negative quantity": (HEADER + "gallium,refining,JPN,2099,1,kg Ga,,S,high\n"
                          "gallium,refining,KOR,2099,-5,kg Ga,,S,high\n",
                          3, "quantity", "greater than or equal to 0"),
    "shares over one": (HEADER + "gallium,refining,JPN,2098,,,0.7,S,high\n"
                        "gallium,refining,KOR,2098,,,0.6,S,high\n",
                        3, "share", "add up to 1.300"),
    "malformed year": (HEADER + "gallium,refining,JPN,20x0,1,kg Ga,,S,high\n",
                       2, "year", "valid integer"),
    "duplicate key": (HEADER + "gallium,refining,JPN,2099,1,kg Ga,,S,high\n"
                      "gallium,refining,JPN,2099,2,kg Ga,,S,high\n",
                      3, "item_id,stage,country,company,facility_id,year", "also row 2"),
    "unknown item": (HEADER + "unobtainium,refining,JPN,2099,1,kg,,S,high\n",
                     2, "item_id", "unknown item 'unobtainium'"),
    "bad confidence": (HEADER + "gallium,refining,JPN,2099,1,kg Ga,,S,certain\n",
                       2, "confidence", "'high', 'medium' or 'low'"),
    "no measure": (HEADER + "gallium,refining,JPN,2099,,,,S,high\n", 2, "quantity",
                   "quantity (with its unit) or a share"),
    "quantity without unit": (HEADER + "gallium,refining,JPN,2099,5,,,S,high\n", 2, "unit",
                              "a quantity needs a unit"),
    "infinite quantity": (HEADER + "gallium,refining,JPN,2099,inf,kg Ga,,S,high\n", 2,
                          "quantity", "finite number"),
    "nan share": (HEADER + "gallium,refining,JPN,2099,,,nan,S,high\n", 2, "share",
                  "finite number"),
    "stated and computed shares over one": (
        HEADER + "gallium,refining,CHN,2098,,,0.9,S,high\n"
        "gallium,refining,JPN,2098,50,kg Ga,,S,high\n"
        "gallium,refining,WLD,2098,100,kg Ga,,S,high\n",
        4, "share", "add up to 1.400 > 1 (quantity / world total; stated)"),
    "unit not the catalogue unit": (HEADER + "gallium,refining,USA,2099,10,t,,S,high\n"
                                    "gallium,refining,JPN,2099,5000,kg Ga,,S,high\n",
                                    2, "unit", "not the catalogue unit of gallium ('kg Ga')"),
    "stage not the item's stage": (HEADER + "gallium,mine,JPN,2099,1,kg Ga,,S,high\n", 2,
                                   "stage", "gallium is produced at stage 'refining'"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_rows_are_reported_and_nothing_is_written(store, tmp_path, case):
    text, row, field, reason = BAD_INPUTS[case]
    path = _write(tmp_path, "bad.csv", text)
    before = _snapshot(store)
    with pytest.raises(ValidationError) as caught:
        import_file(store, "supplies", path)
    error = caught.value.errors[0]
    assert error.file.endswith("bad.csv")
    assert error.row == row
    assert error.field == field
    assert reason in error.reason
    assert str(path) in str(caught.value)
    _assert_unchanged(store, before)


def test_every_bad_row_is_reported_not_only_the_first(store, tmp_path):
    path = _write(tmp_path, "bad.csv", HEADER +
                  "gallium,refining,Atlantis,2099,1,kg Ga,,S,high\n"
                  "gallium,refining,JPN,2099,-1,kg Ga,,S,high\n"
                  "gallium,refining,KOR,2099,1,kg Ga,,S,maybe\n")
    with pytest.raises(ValidationError) as caught:
        import_file(store, "supplies", path)
    assert [(e.row, e.field) for e in caught.value.errors] == [
        (2, "country"), (3, "quantity"), (4, "confidence")]


def test_missing_column(store, tmp_path):
    path = _write(tmp_path, "bad.csv", "item_id,country,quantity,unit,source,confidence\n"
                  "gallium,JPN,1,kg,S,high\n")
    with pytest.raises(ValidationError, match="missing column 'year'"):
        import_file(store, "supplies", path)


def test_unknown_column_catches_typos(store, tmp_path):
    path = _write(tmp_path, "bad.csv", "item_id,country,year,quantitiy,unit,source,confidence\n"
                  "gallium,JPN,2099,1,kg,S,high\n")
    with pytest.raises(ValidationError, match="unknown column 'quantitiy'"):
        import_file(store, "supplies", path)


def test_wrong_encoding_names_the_line(store, tmp_path):
    path = _write(tmp_path, "latin.csv", HEADER + "gallium,refining,JPN,2099,1,kg Ga,,S,high\n"
                  "gallium,refining,CIV,2099,1,kg Ga,,Côte d'Ivoire,high\n", encoding="latin-1")
    before = _snapshot(store)
    with pytest.raises(ValidationError) as caught:
        import_file(store, "supplies", path)
    assert caught.value.errors[0].row == 3
    assert "not valid UTF-8" in str(caught.value)
    _assert_unchanged(store, before)


def test_malformed_date_in_memberships(store, tmp_path):
    path = _write(tmp_path, "m.csv", "group_id,country,status,valid_from,source,confidence\n"
                  "pax_silica,Brazil,signatory,2026-02-30,S,high\n")
    with pytest.raises(ValidationError) as caught:
        import_file(store, "memberships", path)
    assert (caught.value.errors[0].row, caught.value.errors[0].field) == (2, "valid_from")


def test_shares_over_one_across_files_roll_back(store, tmp_path):
    """The second file is valid alone but not with the stored rows: nothing of it stays."""
    first = _write(tmp_path, "a.csv", HEADER + "gallium,refining,JPN,2098,,,0.7,S,high\n")
    second = _write(tmp_path, "b.csv", HEADER + "gallium,refining,KOR,2098,,,0.6,S,high\n"
                    "gallium,refining,USA,2097,,,0.1,S,high\n")
    import_file(store, "supplies", first)
    before = _snapshot(store)
    imports_before = len(store.imports())
    with pytest.raises(ValidationError, match="with rows already stored"):
        import_file(store, "supplies", second)
    _assert_unchanged(store, before)
    assert len(store.imports()) == imports_before


def test_yaml_and_parquet_imports(store, tmp_path):
    yaml_path = _write(tmp_path, "stages.yaml", "stages:\n  - {stage_id: recycling, name: "
                       "Recycling, order: 8}\n")
    import_file(store, "stages", yaml_path)
    assert "recycling" in set(store.table("stages")["stage_id"])
    frame = pd.DataFrame({"item_id": ["gallium"], "country": ["DEU"], "year": [2099],
                          "quantity": [100.0], "unit": ["kg Ga"], "source": ["P"],
                          "confidence": ["low"]})
    parquet = tmp_path / "s.parquet"
    frame.to_parquet(parquet)
    import_file(store, "supplies", parquet)
    assert store.table("supplies").query("country == 'DEU' and year == 2099")["quantity"].iloc[0] == 100


def test_file_database_survives_reopen_and_failed_import(tmp_path):
    db = tmp_path / "p.duckdb"
    store = open_store(db)
    count = store.count("supplies")
    bad = _write(tmp_path, "bad.csv", HEADER + "gallium,refining,Atlantis,2099,1,kg Ga,,S,high\n")
    with pytest.raises(ValidationError):
        import_file(store, "supplies", bad)
    store.close()
    reopened = open_store(db)
    assert reopened.count("supplies") == count


def test_export_round_trip(store, tmp_path):
    written = export_store(store, tmp_path / "out", "parquet")
    assert {p.name for p in written} >= {"supplies.parquet", "memberships.parquet"}
    assert len(pd.read_parquet(tmp_path / "out" / "supplies.parquet")) == store.count("supplies")
    export_store(store, tmp_path / "csv", "csv")
    fresh = Store(":memory:")
    for kind in ("stages", "items", "groups", "memberships", "supplies"):
        import_file(fresh, kind, tmp_path / "csv" / f"{kind}.csv")
        assert fresh.count(kind) == store.count(kind)


def test_export_into_a_folder_with_quotes_in_its_name(store, tmp_path):
    folder = tmp_path / "it's a \"folder\"; DROP TABLE x"
    written = export_store(store, folder, "csv")
    assert all(path.parent == folder and path.is_file() for path in written)
    assert len(pd.read_csv(folder / "stages.csv")) == store.count("stages")


def test_validate_store_finds_rows_written_behind_its_back(store):
    from paxsilica.store.importer import validate_store

    counts = validate_store(store)
    assert counts["supplies"] == store.count("supplies")
    store.connection.execute(
        "INSERT INTO supplies (item_id, stage, country, year, share, source, confidence, basis) "
        "VALUES ('unobtainium', 'mine', 'USA', 2099, 0.5, 'S', 'high', 'reported')")
    with pytest.raises(ValidationError) as caught:
        validate_store(store)
    error = caught.value.errors[0]
    assert error.file == "store:supplies"
    assert error.field == "item_id"
    assert error.row == store.count("supplies")
