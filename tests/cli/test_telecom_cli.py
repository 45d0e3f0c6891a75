"""``paxsilica telecom …``: vendors, satellites, ground stations, SATCAT refresh."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paxsilica.cli.app import app
from paxsilica.testing import assert_one_line_error

runner = CliRunner()
FIXTURE = Path(__file__).parents[1] / "fixtures" / "telecom" / "satcat.csv"


@pytest.fixture()
def db(tmp_path):
    return str(tmp_path / "cli.duckdb")


def run(*args: str):
    return runner.invoke(app, list(args))


def test_vendors_json_for_a_member_market(db):
    result = run("telecom", "vendors", "--market", "DEU", "--format", "json", "--db", db)
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    assert row["concern_share"] == 0.59 and row["vendors"] == ["huawei", "zte"]
    assert row["source_url"].startswith("https://")


def test_vendors_summary_csv_lists_every_market(db):
    result = run("telecom", "vendors", "--summary", "--format", "csv", "--db", db)
    assert result.exit_code == 0, result.output
    header, *lines = result.stdout.strip().splitlines()
    assert header.startswith("item,market,year,measure")
    assert len(lines) == 8


@pytest.mark.parametrize(("args", "needle"), [
    (["vendors", "--measure", "foo"], "measure: Input should be 'revenue'"),
    (["vendors", "--market", "Atlantis"], "Atlantis"),
    (["vendors", "--item", "ran_equipmnt"], "unknown item"),
    (["vendors", "--as-of", "2026-02-30"], "as_of: not a date"),
    (["import-satcat", "x.csv", "--as-of", "2026-13-01"], "as_of: not a date"),
    (["satellites", "--orbit", "MEO"], "no constellation in MEO"),
    (["ground-stations", "--country", "Mordor"], "Mordor"),
])
def test_misuse_is_one_line(db, args, needle):
    assert_one_line_error(run("telecom", *args, "--db", db), needle)


def test_satellites_and_stations_json(db):
    result = run("telecom", "satellites", "--format", "json", "--db", db)
    rows = {r["constellation_id"]: r for r in json.loads(result.stdout)}
    assert rows["qianfan"]["of_concern"] is True and rows["starlink"]["of_concern"] is False
    assert rows["starlink"]["planned"] is None
    result = run("telecom", "ground-stations", "--country", "ARG", "--format", "json", "--db", db)
    stations = {r["station_id"]: r for r in json.loads(result.stdout)}
    assert stations["espacio_lejano"]["open"] is True


def test_import_satcat_then_satellites(db, tmp_path):
    result = run("telecom", "import-satcat", str(FIXTURE), "--as-of", "2025-01-01", "--db", db)
    assert result.exit_code == 0, result.output
    assert "starlink: 3 satellites in orbit" in result.output
    assert "read 10 catalogue objects" in result.output
    rows = {r["constellation_id"]: r for r in json.loads(
        run("telecom", "satellites", "--format", "json", "--db", db).stdout)}
    assert rows["starlink"]["satellites"] == 3 and rows["starlink"]["basis"] == "derived"
    bad = tmp_path / "bad.csv"
    bad.write_text("OBJECT_NAME,NORAD_CAT_ID\nX,1\n", encoding="utf-8")
    assert_one_line_error(run("telecom", "import-satcat", str(bad), "--db", db), "bad.csv",
                          "LAUNCH_DATE")
    assert_one_line_error(run("telecom", "import-satcat", str(tmp_path), "--db", db),
                          "is a directory")
