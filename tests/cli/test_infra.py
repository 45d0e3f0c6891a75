"""``paxsilica infra``: import a cable map folder, connectivity as JSON (the command contract
of issue 21), one-line errors with exit status 2."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paxsilica.cli.app import app
from paxsilica.testing import assert_one_line_error

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "cables"
runner = CliRunner()


@pytest.fixture()
def db(tmp_path) -> str:
    path = str(tmp_path / "infra.duckdb")
    result = runner.invoke(app, ["--db", path, "infra", "import-cables", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    assert "imported 5 cable(s), 6 landing point(s) and 11 landing(s)" in result.stdout
    return path


def connectivity(db: str, *args: str) -> dict:
    result = runner.invoke(app, ["--db", db, "infra", "connectivity", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_connectivity_json_follows_the_contract_on_the_fixture(db):
    answer = connectivity(db, "--country", "PHL", "--year", "2020")
    assert {"country", "year", "cables", "cables_after", "isolated"} <= set(answer)
    # hand-worked: delta-future is planned, island-loop domestic, gamma-ring has no rfs year
    assert answer["country"] == "PHL" and answer["year"] == 2020
    assert answer["cables"] == answer["cables_after"] == ["alpha-express", "beta-link", "gamma-ring"]
    assert answer["isolated"] is False
    assert answer["landing_sites"] == ["north-bay-philippines", "south-head-philippines"]
    assert answer["isolating_sites"] == ["north-bay-philippines", "south-head-philippines"]
    beta = next(row for row in answer["cable_table"] if row["cable_id"] == "beta-link")
    assert beta["suppliers_of_concern"] == ["HMN Tech"] and beta["owners_of_concern"] == ["China Telecom"]
    assert connectivity(db, "--country", "PHL", "--year", "2012")["cables"] == ["gamma-ring"]


def test_closing_and_cutting(db):
    answer = connectivity(db, "--country", "Philippines", "--year", "2020", "--close", "north-bay-philippines")
    assert answer["cables_after"] == ["gamma-ring"] and answer["isolated"] is False
    assert answer["lost_share"] == pytest.approx(2 / 3, abs=1e-6)
    answer = connectivity(db, "--country", "PHL", "--year", "2020", "--close", "north-bay-philippines",
                          "--cut", "gamma-ring")
    assert answer["cables_after"] == [] and answer["isolated"] is True
    assert answer["isolating_sites_after"] == []


@pytest.mark.parametrize(("args", "needles"), [
    (["--close", "north-bay"], ["close: unknown landing point 'north-bay'", "north-bay-philippines"]),
    (["--cut", "alpha"], ["cut: unknown cable 'alpha'"]),
    (["--year", "20200"], ["year: Input should be less than or equal to 2100"]),
])
def test_unknown_ids_are_one_line_errors(db, args, needles):
    base = {"--country": "PHL", "--year": "2020"}
    merged = [*args, *[x for k, v in base.items() if k not in args for x in (k, v)]]
    result = runner.invoke(app, ["--db", db, "infra", "connectivity", *merged, "--format", "json"])
    assert_one_line_error(result, *needles)


def test_a_bad_file_fails_the_whole_import_with_its_name(tmp_path, db):
    root = tmp_path / "release"
    shutil.copytree(FIXTURE, root)
    (root / "cable" / "broken.json").write_text('{"id": "broken", "id": "broken"}', encoding="utf-8")
    fresh = str(tmp_path / "fresh.duckdb")
    result = runner.invoke(app, ["--db", fresh, "infra", "import-cables", str(root)])
    line = assert_one_line_error(result, "broken.json", "duplicate key 'id'")
    assert "Traceback" not in line
    shown = runner.invoke(app, ["--db", fresh, "infra", "cables", "--format", "json"])
    assert "alpha-express" not in shown.stdout  # all or nothing
    missing = runner.invoke(app, ["--db", fresh, "infra", "import-cables", str(tmp_path / "nope")])
    assert_one_line_error(missing, "no such folder")


def test_bundled_taiwan_answer_without_any_import(tmp_path):
    answer = connectivity(str(tmp_path / "b.duckdb"), "--country", "TWN", "--year", "2024")
    assert "faster" in answer["cables"] and answer["isolated"] is False
    assert "taiwan_strait" in {row["corridor_id"] for row in answer["corridors"]}
