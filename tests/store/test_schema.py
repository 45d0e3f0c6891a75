"""One schema: every table declared in store.schema, created only by the store; export
then import round-trips every table (trade flows and lists included)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

import paxsilica
from paxsilica.certify.lists import bundled_list_path, import_list, load_list, stored_lists
from paxsilica.cli.app import app
from paxsilica.errors import ValidationError
from paxsilica.store import TABLES, Store, export_store, open_store, restore_store
from paxsilica.store.trade import import_trade, trade_flows

runner = CliRunner()
DDL = re.compile(r"\b(CREATE\s+(OR\s+REPLACE\s+)?TABLE|ALTER\s+TABLE|DROP\s+TABLE)\b", re.I)


def test_no_ddl_outside_the_store_package():
    package = Path(paxsilica.__file__).parent
    offenders = [str(path.relative_to(package)) for path in package.rglob("*.py")
                 if path.parent.name != "store" and DDL.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_store_creates_exactly_the_declared_tables():
    store = Store(":memory:")
    assert store.columns().keys() == TABLES.keys()
    for name, spec in TABLES.items():
        assert store.columns()[name] == spec.column_names


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Path:
    """A database file with the bundled data, trade flows and a stored list."""
    path = tmp_path_factory.mktemp("filled") / "filled.duckdb"
    store = open_store(path)
    flows = pd.DataFrame({"year": [2022, 2022], "exporter": ["CHN", "AUS"],
                          "importer": ["JPN", "JPN"], "hs6": ["850511", "280530"],
                          "item_id": ["ndfeb_magnet", "ndpr_oxide"],
                          "value_kusd": [10.5, None], "quantity_t": [None, 2.25]})
    import_trade(store, flows, dataset="baci", file="x.csv")
    import_list(store, load_list(bundled_list_path("fcc_covered"), name="fcc_covered"), file="f.csv")
    ftm = Path(__file__).parents[1] / "fixtures" / "certify" / "entities.ftm.json"
    import_list(store, load_list(ftm, name="ftm"), file=str(ftm))  # with ownership links
    with store.transaction() as connection:  # one row in each of the service's tables
        connection.execute("INSERT INTO tokens VALUES ('ci', 'reader', 'ab12', now(), NULL)")
        connection.execute("INSERT INTO audit VALUES (now(), 'ci', 'import', 'ab12', 'a, \"b\"')")
        connection.execute("INSERT INTO jobs VALUES ('j1', 'simulate', '{\"days\": 30}', 'done', 1.0, "
                           "'ci', now(), now(), '{}', NULL)")
    store.close()
    return path


def _tables(store: Store) -> dict[str, pd.DataFrame]:
    frames = {}
    for name in TABLES:
        frame = store.read(name)
        frames[name] = frame.sort_values(list(frame.columns), kind="stable").reset_index(drop=True)
    return frames


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_export_then_import_round_trips_every_table(filled, tmp_path, fmt):
    source = Store(filled, read_only=True)
    assert len(trade_flows(source)) == 2 and len(stored_lists(source)) == 2
    runner_db = tmp_path / "restored.duckdb"
    out = tmp_path / "export"
    result = runner.invoke(app, ["data", "export", "--format", fmt, "-o", str(out), "--db", str(filled)])
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {f"{n}.{fmt}" for n in TABLES} | {"manifest.json"}
    result = runner.invoke(app, ["data", "import", str(out), "--db", str(runner_db)])
    assert result.exit_code == 0, result.output
    restored = Store(runner_db, read_only=True)
    before, after = _tables(source), _tables(restored)
    for name in TABLES:
        assert len(after[name]) == len(before[name]) > 0, name
        pd.testing.assert_frame_equal(after[name], before[name], check_dtype=False, obj=name)


def test_a_bad_row_in_an_export_restores_nothing(filled, tmp_path):
    source = Store(filled, read_only=True)
    out = tmp_path / "export"
    export_store(source, out)
    supplies = (out / "supplies.csv").read_text(encoding="utf-8").splitlines()
    supplies.append(supplies[1].replace("rare_earth", "unobtainium", 1) + "")
    (out / "supplies.csv").write_text("\n".join(supplies) + "\n", encoding="utf-8")
    target = open_store(":memory:")
    count = target.count("supplies")
    with pytest.raises(ValidationError, match="supplies"):
        restore_store(target, out)
    assert target.count("supplies") == count


def test_an_older_database_without_the_newer_tables_reads_them_as_empty(filled, tmp_path):
    old = tmp_path / "old.duckdb"
    shutil.copyfile(filled, old)
    with duckdb.connect(str(old)) as connection:
        connection.execute("DROP TABLE trade_flows")
        connection.execute("DROP TABLE restricted_lists")
        connection.execute("ALTER TABLE supplies DROP COLUMN note")
    old.chmod(0o444)
    store = Store(old, read_only=True)
    assert trade_flows(store).empty and stored_lists(store).empty
    assert "note" in store.table("supplies") and store.count("supplies") > 300
    old.chmod(0o644)
    writer = Store(old)  # writing brings the schema up to date
    assert "trade_flows" in writer.columns() and "note" in writer.columns()["supplies"]


def test_restore_takes_off_the_formula_guard_of_a_spreadsheet_safe_export(filled, tmp_path):
    out = tmp_path / "export"
    export_store(Store(filled, read_only=True), out)
    stages = pd.read_csv(out / "stages.csv", dtype=str, keep_default_na=False)
    stages.loc[0, "description"] = "'=HYPERLINK(x)"
    stages.loc[0, "name"] = "'-3.5"  # a number is never guarded: its quote is data
    stages.to_csv(out / "stages.csv", index=False)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (out / "manifest.json").write_text(json.dumps({**manifest, "neutralised": True}), encoding="utf-8")
    restored = restore_store(Store(":memory:"), out)
    row = restored.table("stages").set_index("stage_id").loc[stages.loc[0, "stage_id"]]
    assert row["description"] == "=HYPERLINK(x)" and row["name"] == "'-3.5"
