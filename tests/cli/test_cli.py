"""The CLI through Typer's runner: output shapes, errors without tracebacks, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from paxsilica.cli.app import app

runner = CliRunner()


@pytest.fixture()
def db(tmp_path):
    return str(tmp_path / "cli.duckdb")


def test_exposure_json_has_stable_keys_and_china_share(db):
    result = runner.invoke(app, ["exposure", "--item", "rare_earth_oxide", "--stage", "mine",
                                 "--year", "2024", "--format", "json", "--db", db])
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    keys = {"item", "stage", "country", "share", "hhi", "concern_share", "coalition_share",
            "as_of", "sources"}
    assert all(keys <= set(record) for record in records)
    china = next(r for r in records if r["country"] == "CHN")
    assert round(china["share"], 2) == 0.69
    assert isinstance(china["sources"], list) and china["sources"]


def test_coalition_share_changes_with_as_of(db):
    def coverage(day):
        result = runner.invoke(app, ["exposure", "--item", "rare_earth_ore", "--year", "2024",
                                     "--as-of", day, "--format", "json", "--db", db])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)[0]["coalition_share"]

    assert coverage("2025-12-01") == 0
    assert coverage("2026-01-01") < coverage("2026-03-01")


def test_csv_and_summary_formats(db):
    result = runner.invoke(app, ["exposure", "--stage", "memory", "--summary", "--format",
                                 "csv", "--db", db])
    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()[0].split(",")
    assert {"item", "hhi", "top_country", "coalition_share"} <= set(header)


def test_global_db_option_before_the_command(db):
    result = runner.invoke(app, ["--db", db, "data", "status", "--format", "json"])
    assert result.exit_code == 0, result.output
    counts = {row["table"]: row["rows"] for row in json.loads(result.stdout)}
    assert counts["supplies"] > 300 and counts["memberships"] > 30


def test_import_error_is_one_line_and_exit_2(db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("item_id,country,year,quantity,unit,source,confidence\n"
                   "gallium,Atlantis,2099,1,kg Ga,S,high\n", encoding="utf-8")
    result = runner.invoke(app, ["data", "import", "supplies", str(bad), "--db", db])
    assert result.exit_code == 2
    assert "bad.csv row 2, field 'country': unknown country 'Atlantis'" in result.output
    assert "Traceback" not in result.output
    status = runner.invoke(app, ["data", "status", "--format", "json", "--db", db])
    assert all(row["rows"] for row in json.loads(status.stdout) if row["table"] == "supplies")


def test_validate_writes_nothing(db, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("item_id,country,year,quantity,unit,source,confidence\n"
                    "gallium,Japan,2099,1,kg Ga,S,high\n", encoding="utf-8")
    result = runner.invoke(app, ["data", "validate", "supplies", str(good), "--db", db])
    assert result.exit_code == 0 and "1 valid" in result.output
    shown = runner.invoke(app, ["data", "show", "supplies", "--format", "json", "--limit",
                                "10000", "--db", db])
    assert all(row["year"] != 2099 for row in json.loads(shown.stdout))


def test_unknown_kind_and_item_are_usage_errors(db):
    result = runner.invoke(app, ["data", "import", "widgets", "x.csv", "--db", db])
    assert result.exit_code == 2 and "unknown record kind" in result.output
    result = runner.invoke(app, ["exposure", "--item", "galium", "--db", db])
    assert result.exit_code == 2 and "did you mean" in result.output


def test_export_writes_one_file_per_table(db, tmp_path):
    out = tmp_path / "export"
    result = runner.invoke(app, ["data", "export", "--format", "csv", "-o", str(out), "--db", db])
    assert result.exit_code == 0, result.output
    assert (out / "supplies.csv").read_text(encoding="utf-8").startswith("source,")
    assert (out / "memberships.csv").exists()


def test_report_command_writes_html(db, tmp_path):
    """The report command (two sections asked: the whole report is rendered by the report
    tests and ``make demo``)."""
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["report", "-o", str(out), "--as-of", "2026-03-01", "--db", db,
                                 "--section", "sources", "--section", "coverage"])
    assert result.exit_code == 0, result.output
    assert "report written to" in result.output
    page = out.read_text(encoding="utf-8")
    assert out.stat().st_size > 100_000
    assert 'id="coverage"' in page and 'id="sources"' in page and 'id="plan"' not in page
    assert page.index('id="coverage"') < page.index('id="sources"')  # page order, not the asked order


def test_report_unknown_section_is_a_clean_error(tmp_path):
    db = tmp_path / "new.duckdb"
    result = runner.invoke(app, ["--db", str(db), "report", "-o", str(tmp_path / "r.html"),
                                 "--section", "planning"])
    assert result.exit_code == 2 and "unknown 'planning'" in result.output and "plan" in result.output
    assert not db.exists()  # checked before the database is opened


def test_console_script_prints_no_traceback(tmp_path):
    """The installed entry point, as users run it, for a user mistake."""
    result = subprocess.run(
        [sys.executable, "-c", "from paxsilica.cli import main; main()", "--db",
         str(tmp_path / "x.duckdb"), "exposure", "--as-of", "2026-13-01"],
        capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "as_of: not a date: '2026-13-01'" in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_without_arguments_checks_the_store(db):
    result = runner.invoke(app, ["data", "validate", "--db", db])
    assert result.exit_code == 0, result.output
    assert "valid row(s)" in result.output


def test_error_text_with_brackets_is_printed_literally_not_as_markup(db, tmp_path):
    folder = tmp_path / "[red]mine"
    folder.mkdir()
    bad = folder / "bad.csv"
    bad.write_text("item_id,country,year,quantity,unit,source,confidence\n"
                   "gallium,[/oops],2099,1,kg Ga,S,high\n"
                   "GALLIUM,JPN,2099,1,kg Ga,S,high\n", encoding="utf-8")
    result = runner.invoke(app, ["data", "import", "supplies", str(bad), "--db", db])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # not a MarkupError
    assert "row 2, field 'country': unknown country '[/oops]'" in result.output
    assert "[red]mine" in result.output
    assert "pattern '^[a-z0-9][a-z0-9_\\-.]*$'" in result.output  # not stripped as a tag


def test_unknown_kind_is_one_line_listing_the_kinds(db):
    result = runner.invoke(app, ["data", "import", "widgets", "x.csv", "--db", db])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error: unknown record kind 'widgets'; known kinds: stages,")


def test_csv_joins_list_cells_and_table_shows_readable_numbers(db):
    result = runner.invoke(app, ["exposure", "--item", "rare_earth_ore", "--year", "2024",
                                 "--summary", "--format", "csv", "--db", db])
    assert result.exit_code == 0, result.output
    assert "['" not in result.stdout
    assert ",USGS Mineral Commodity Summaries 2025 - Rare Earths (Jan 2025)" in result.stdout
    shown = runner.invoke(app, ["exposure", "--item", "euv_lithography_system", "--year", "2025",
                                "--summary", "--db", db])
    assert shown.exit_code == 0, shown.output
    assert "10,000" in shown.stdout and "1e+04" not in shown.stdout


def _one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    return lines[0]


def test_export_into_an_existing_file_is_a_user_error(db, tmp_path):
    target = tmp_path / "taken"
    target.write_text("keep me", encoding="utf-8")
    line = _one_line_error(runner.invoke(app, ["data", "export", "-o", str(target), "--db", db]))
    assert "it is a file, not a directory" in line
    assert target.read_text(encoding="utf-8") == "keep me"


def test_export_into_a_folder_with_a_quote_in_its_name(db, tmp_path):
    out = tmp_path / "it's"
    result = runner.invoke(app, ["data", "export", "-o", str(out), "--db", db])
    assert result.exit_code == 0, result.output
    assert (out / "supplies.csv").read_text(encoding="utf-8").startswith("source,")


def test_report_into_a_directory_is_a_user_error(db, tmp_path):
    line = _one_line_error(runner.invoke(app, ["report", "-o", str(tmp_path), "--db", db]))
    assert "it is a directory" in line
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".report-")]  # no temporary


def test_db_that_is_not_a_duckdb_file_is_refused(tmp_path):
    data = tmp_path / "existing.csv"
    data.write_text("a,b\n1,2\n", encoding="utf-8")
    line = _one_line_error(runner.invoke(app, ["--db", str(data), "data", "status"]))
    assert "existing.csv: the file exists and is not a DuckDB database" in line
    assert data.read_text(encoding="utf-8") == "a,b\n1,2\n"


def test_compare_reports_joined_and_left(db):
    result = runner.invoke(app, ["exposure", "--item", "rare_earth_ore", "--year", "2024",
                                 "--compare", "2025-12-01", "--as-of", "2026-03-01",
                                 "--format", "json", "--db", db])
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout)[0]
    assert "AUS" in row["joined"] and row["left"] == []
