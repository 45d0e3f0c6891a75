"""What the CLI prints: CSV cells that cannot run as spreadsheet formulas, numbers rounded
once for every format, tables that fit the terminal with key columns first."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from paxsilica.cli.app import app
from paxsilica.cli.output import rounded
from paxsilica.io.csv_safety import neutralised

runner = CliRunner()
HOSTILE = ("item_id,country,year,share,company,source,note,confidence\n"
           'gallium,KIR,2024,0.001,-2+3,"=HYPERLINK(""http://x.example"",""click"")",'
           '"@SUM(A1:A9)",low\n'
           'gallium,TUV,2024,0.001,+cmd,"-x","-1",low\n')


@pytest.fixture()
def db(tmp_path):
    path = str(tmp_path / "o.duckdb")
    bad = tmp_path / "hostile.csv"
    bad.write_text(HOSTILE, encoding="utf-8")
    result = runner.invoke(app, ["data", "import", "supplies", str(bad), "--db", path])
    assert result.exit_code == 0, result.output
    return path


def _csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_data_export_csv_neutralises_formula_cells(db, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["data", "export", "--format", "csv", "-o", str(out), "--db", db])
    assert result.exit_code == 0, result.output
    rows = [r for r in _csv_rows((out / "supplies.csv").read_text(encoding="utf-8"))
            if r["country"] in {"KIR", "TUV"}]
    kir, tuv = sorted(rows, key=lambda r: r["country"])
    assert kir["source"].startswith("'=HYPERLINK(") and kir["note"] == "'@SUM(A1:A9)"
    assert kir["company"] == "'-2+3" and tuv["company"] == "'+cmd"
    assert tuv["source"] == "'-x" and tuv["note"] == "-1"  # a number-like text stays
    assert kir["share"] == "0.001"  # numbers untouched
    every = "".join(path.read_text(encoding="utf-8") for path in out.glob("*.csv"))
    assert all(not cell[:1] or cell[0] not in "=+@" for row in csv.reader(io.StringIO(every))
               for cell in row)


@pytest.mark.parametrize("where", ["before", "after"])
def test_raw_export_writes_cells_unchanged(db, tmp_path, where):
    out = tmp_path / "raw"
    args = ["data", "export", "--format", "csv", "-o", str(out), "--db", db]
    args = ["--raw", *args] if where == "before" else [*args, "--raw"]
    assert runner.invoke(app, args).exit_code == 0
    rows = _csv_rows((out / "supplies.csv").read_text(encoding="utf-8"))
    assert any(r["source"].startswith("=HYPERLINK(") for r in rows)


def test_format_csv_output_neutralises_but_keeps_negative_numbers(db):
    result = runner.invoke(app, ["data", "show", "supplies", "--format", "csv", "--limit", "1000",
                                 "--db", db])
    assert result.exit_code == 0, result.output
    kir = next(r for r in _csv_rows(result.stdout) if r["country"] == "KIR")
    assert kir["source"].startswith("'=") and kir["company"] == "'-2+3"
    shown = runner.invoke(app, ["exposure", "--item", "gallium", "--year", "2024", "--format", "csv",
                                "--db", db])
    assert shown.exit_code == 0, shown.output
    sources = [r["sources"] for r in _csv_rows(shown.stdout) if r["country"] == "KIR"]
    assert sources and sources[0].startswith("'=HYPERLINK(")
    raw = runner.invoke(app, ["--raw", "data", "show", "supplies", "--format", "csv", "--limit",
                              "1000", "--db", db])
    assert any(r["source"].startswith("=HYPERLINK(") for r in _csv_rows(raw.stdout))


@pytest.mark.parametrize(("value", "expected"), [
    ("-3.5", "-3.5"), ("+1e3", "+1e3"), ("-.5", "-.5"), ("=1", "'=1"), ("-", "'-"),
    ("-1-1", "'-1-1"), ("@x", "'@x"), ("a=b", "a=b"), ("", ""), ("\tx", "'\tx"),
    ("\r=1", "'\r=1"), (-2.5, -2.5),
])
def test_neutralised_keeps_numbers_and_guards_formulas(value, expected):
    assert neutralised(value) == expected


def test_json_has_no_float_noise_and_shares_are_clamped():
    frame = pd.DataFrame({"coalition_share": [-2.220446049250313e-16, 1.0000000000000002],
                          "hhi": [2500.4999, 10000.3], "quantity": [1.6680000000000001, 0.1 + 0.2],
                          "change": [-1.0000000001, 0.12345678]})
    out = rounded(frame)
    assert out["coalition_share"].tolist() == [0.0, 1.0]
    assert out["hhi"].tolist() == [2500, 10000] and all(type(v) is int for v in out["hhi"])
    assert out["quantity"].tolist() == [1.668, 0.3]
    assert out["change"].tolist() == [-1.0, 0.1235]
    assert str(out["coalition_share"].iloc[0]) == "0.0"  # not -0.0


def test_exposure_json_and_csv_numbers_are_rounded(tmp_path):
    db = str(tmp_path / "r.duckdb")
    for fmt in ("json", "csv"):
        result = runner.invoke(app, ["exposure", "--summary", "--format", fmt, "--db", db])
        assert result.exit_code == 0, result.output
        records = json.loads(result.stdout) if fmt == "json" else _csv_rows(result.stdout)
        for record in records:
            for key in ("top_share", "concern_share", "coalition_share", "unattributed_share"):
                text = str(record[key])
                assert "e-" not in text and not text.startswith("-"), (key, text)
                assert len(text.split(".")[-1]) <= 4 if "." in text else True, (key, text)
            assert "." not in str(record["hhi"]), record["hhi"]


def test_data_show_puts_key_columns_first_and_fits_the_terminal(db):
    result = runner.invoke(app, ["data", "show", "supplies", "--limit", "5", "--db", db],
                           env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines if not line.startswith("[")) <= 100
    header = " ".join(lines[:4])
    for column in ("item", "country", "year", "quantity"):
        assert column in header, (column, header)
    assert header.index("item") < header.index("source")
    assert "http" not in result.stdout  # URLs and notes need --wide
    assert "[1] " in result.stdout  # sources as numbered footnotes
    assert "long text not shown: source_url, note" in result.stderr
    wide = runner.invoke(app, ["data", "show", "supplies", "--limit", "5", "--wide", "--db", db],
                         env={"COLUMNS": "300"})
    assert "note" in wide.stdout and "http" in wide.stdout


def test_exposure_summary_fits_100_columns_without_collapsing_year_hhi_stage(tmp_path):
    db = str(tmp_path / "s.duckdb")
    result = runner.invoke(app, ["exposure", "--summary", "--db", db], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert "20…" not in result.stdout and "…" not in result.stdout
    rows = [line for line in lines if line.startswith("gallium ")]
    assert rows and all(" refining " in line for line in rows)
    assert any(" 2024 " in line for line in rows)
    # one line per item, stage and year (plus headers and caption), not sources wrapping
    summary = json.loads(runner.invoke(app, ["exposure", "--summary", "--format", "json",
                                             "--db", db]).stdout)
    assert len(lines) <= len(summary) + 8


def test_screen_csv_neutralises_query_cells(tmp_path):
    names = tmp_path / "names.csv"
    names.write_text("query_id,name\n=1+1,Huawei Technologies Co Ltd\n", encoding="utf-8")
    result = runner.invoke(app, ["screen", str(names), "--list", "bundled:fcc_covered",
                                 "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert _csv_rows(result.stdout)[0]["query_id"] == "'=1+1"
    raw = runner.invoke(app, ["--raw", "screen", str(names), "--list", "bundled:fcc_covered",
                              "--format", "csv"])
    assert _csv_rows(raw.stdout)[0]["query_id"] == "=1+1"


def test_an_alias_that_is_another_items_id_is_named_on_stderr(tmp_path):
    db = str(tmp_path / "a.duckdb")
    result = runner.invoke(app, ["exposure", "--item", "rare_earth_oxide", "--stage", "mine",
                                 "--year", "2024", "--format", "json", "--db", db])
    assert result.exit_code == 0, result.output
    assert {r["item"] for r in json.loads(result.stdout)} == {"rare_earth_ore"}
    assert "selects rare_earth_ore (mine)" in result.stderr
    assert "the item with id rare_earth_oxide is at stage refining" in result.stderr
    exact = runner.invoke(app, ["exposure", "--item", "rare_earth_ore", "--year", "2024",
                                "--format", "json", "--db", db])
    assert exact.exit_code == 0 and "note:" not in exact.stderr


def test_an_alias_of_several_items_lists_them(tmp_path):
    result = runner.invoke(app, ["exposure", "--item", "cobalt", "--summary", "--format", "json",
                                 "--db", str(tmp_path / "c.duckdb")])
    assert result.exit_code == 0, result.output
    assert "cobalt_ore (mine), cobalt_refined (refining)" in result.stderr
    assert "give an item id" in result.stderr


def test_dates_print_as_dates_and_missing_dates_as_empty(tmp_path):
    db = str(tmp_path / "m.duckdb")
    shown = runner.invoke(app, ["data", "show", "memberships", "--limit", "3", "--format", "json",
                                "--db", db])
    records = json.loads(shown.stdout)
    assert all(re_date(r["valid_from"]) for r in records)
    assert all(r["valid_to"] is None or re_date(r["valid_to"]) for r in records)
    assert list(records[0])[:3] == ["group_id", "country", "valid_from"]
    table = runner.invoke(app, ["data", "show", "memberships", "--limit", "3", "--db", db],
                          env={"COLUMNS": "120"})
    assert "00:00:00" not in table.stdout and "NaT" not in table.stdout


def re_date(text: str) -> bool:
    import re

    return re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) is not None


def test_all_tiers_summary_table_leads_with_the_item_not_the_node(tmp_path):
    result = runner.invoke(app, ["exposure", "--tiers", "all", "--summary",
                                 "--db", str(tmp_path / "t.duckdb")], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    assert "market:WLD:" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 100


def test_long_text_is_cut_not_wrapped_in_narrow_tables(tmp_path):
    result = runner.invoke(app, ["data", "show", "export_controls", "--db",
                                 str(tmp_path / "e.duckdb")], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines if not line.startswith("[")) <= 100
    rows = [line for line in lines if line.startswith("CN-MOFCOM-")]
    shown = json.loads(runner.invoke(app, ["data", "show", "export_controls", "--format", "json",
                                           "--db", str(tmp_path / "e.duckdb")]).stdout)
    assert len(rows) == len([r for r in shown if r["measure_id"].startswith("CN-MOFCOM-")])
