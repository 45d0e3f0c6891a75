"""``exposure --secondary`` and importing secondary supply through ``data import``."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from paxsilica.cli.app import app
from paxsilica.testing import assert_one_line_error

runner = CliRunner()


@pytest.fixture()
def db(tmp_path):
    return str(tmp_path / "cli.duckdb")


def test_secondary_json_gives_primary_and_secondary_shares(db):
    result = runner.invoke(app, ["exposure", "--secondary", "--item", "copper", "--format",
                                 "json", "--db", db])
    assert result.exit_code == 0, result.output
    [record] = json.loads(result.stdout)
    assert record["item"] == "copper_refined"
    assert record["secondary_share"] == 0.169 and record["primary_share"] == 0.831
    assert record["secondary_concern_share"] == 0.5 and record["secondary_year"] == 2023
    assert record["sources"] and record["confidence"] in {"high", "medium", "low"}


@pytest.mark.parametrize(("extra", "needle"), [
    (["--tiers", "all"], "secondary works alone"),
    (["--year", "2023"], "secondary works alone"),
    (["--item", "gallium"], "no world secondary share"),
    (["--item", "galium"], "unknown item"),
])
def test_secondary_misuse_is_one_line(db, extra, needle):
    result = runner.invoke(app, ["exposure", "--secondary", *extra, "--db", db])
    assert_one_line_error(result, needle)


def test_secondary_import_then_exposure(db, tmp_path):
    rows = tmp_path / "rec.csv"
    rows.write_text("item_id,country,year,share,share_of,source,confidence\n"
                    "gallium,WLD,2024,0.05,total_supply,my survey,low\n"
                    "gallium,JPN,2024,0.6,world_secondary,my survey,low\n", encoding="utf-8")
    result = runner.invoke(app, ["data", "import", "secondary_supplies", str(rows), "--db", db])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["exposure", "--secondary", "--item", "gallium", "--format",
                                 "json", "--db", db])
    [record] = json.loads(result.stdout)
    assert record["secondary_share"] == 0.05 and record["secondary_coalition_share"] == 0.6
    assert record["secondary_concern_share_max"] == pytest.approx(0.4)
    bad = tmp_path / "bad.csv"
    bad.write_text("item_id,country,year,share,share_of,source,confidence\n"
                   "gallium,WLD,2024,0.05,world_secondary,my survey,low\n", encoding="utf-8")
    assert_one_line_error(runner.invoke(app, ["data", "import", "secondary_supplies", str(bad),
                                              "--db", db]), "bad.csv", "row 2", "country")
