"""Reading tables: every row keeps the line of the file it starts on, whatever is above it."""

from __future__ import annotations

from pathlib import Path

import pytest

from paxsilica.errors import ValidationError
from paxsilica.io.tables import read_table
from paxsilica.validate.records import validate_table

STAGES = "stage_id,name,order\n"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


@pytest.mark.parametrize(("text", "rows"), [
    (STAGES + "mine,Mining,0\nref,Refining,1\n", [2, 3]),
    (STAGES + "mine,Mining,0\n\n\nref,Refining,1\n", [2, 5]),
    (STAGES + 'mine,"Min\ning",0\nref,Refining,1\n', [2, 4]),
    (STAGES + 'mine,"Min\r\ning",0\r\n\r\nref,Refining,1\r\n', [2, 5]),
    ("\n" + STAGES + "mine,Mining,0\n", [3]),
])
def test_rows_are_the_lines_the_records_start_on(tmp_path, text, rows):
    table = read_table(_write(tmp_path, "s.csv", text))
    assert table.rows() == rows
    assert [table.row(position) for position in range(len(rows))] == rows
    assert len(table.frame) == len(rows)


@pytest.mark.parametrize(("text", "row"), [
    (STAGES + "mine,Mining,0\n\nref,Refining,-1\n", 4),                  # blank line above
    (STAGES + 'mine,"Min\ning",0\nref,Refining,-1\n', 4),                # quoted newline above
    (STAGES + 'mine,"Min\ning",0\n\n\nref,"Re\nfining",-1\n', 6),        # both, and its own
])
def test_validation_errors_name_the_line_of_the_bad_row(tmp_path, text, row):
    table = read_table(_write(tmp_path, "s.csv", text))
    with pytest.raises(ValidationError) as caught:
        validate_table("stages", table)
    [error] = caught.value.errors
    assert (error.row, error.field) == (row, "order")
    assert str(caught.value).startswith(f"{tmp_path / 's.csv'} row {row}, field 'order'")


def test_field_count_and_duplicate_key_errors_name_file_lines(tmp_path):
    path = _write(tmp_path, "s.csv", STAGES + 'mine,"Min\ning",0\n\nref,Refining\n')
    with pytest.raises(ValidationError) as caught:
        read_table(path)
    assert [(e.row, e.reason) for e in caught.value.errors] == [(5, "expected 3 fields, found 2")]
    path = _write(tmp_path, "s.csv", STAGES + "mine,Mining,0\n\nmine,Again,1\n")
    with pytest.raises(ValidationError) as caught:
        validate_table("stages", read_table(path))
    [error] = caught.value.errors
    assert error.row == 4 and "also row 2" in error.reason


def test_duplicate_column_names_the_header_line(tmp_path):
    path = _write(tmp_path, "s.csv", "\n\n" + "stage_id,name,name\nmine,Mining,x\n")
    with pytest.raises(ValidationError) as caught:
        read_table(path)
    assert [(e.row, e.field) for e in caught.value.errors] == [(3, "name")]


def test_json_lines_keep_their_line_and_bad_lines_are_named(tmp_path):
    good = '{"stage_id": "mine", "name": "Mining", "order": "0"}'
    bad = '{"stage_id": "ref", "name": "Refining", "order": "-1"}'
    table = read_table(_write(tmp_path, "s.jsonl", f"{good}\n\n{bad}\n"))
    assert table.rows() == [1, 3]
    with pytest.raises(ValidationError) as caught:
        validate_table("stages", table)
    assert [(e.row, e.field) for e in caught.value.errors] == [(3, "order")]
    with pytest.raises(ValidationError) as caught:
        read_table(_write(tmp_path, "s.jsonl", f"{good}\n\n{{oops\n[1, 2]\n"))
    assert [(e.row, e.reason) for e in caught.value.errors] == [
        (3, "not valid JSON: Expecting property name enclosed in double quotes"),
        (4, "expected a JSON object, got a list")]


def test_tables_without_lines_count_from_first_row(tmp_path):
    path = _write(tmp_path, "s.yaml", "- {stage_id: mine, name: Mining, order: 0}\n"
                                      "- {stage_id: ref, name: Refining, order: -1}\n")
    table = read_table(path)
    assert table.lines is None and table.rows() == [1, 2]
    with pytest.raises(ValidationError) as caught:
        validate_table("stages", table)
    assert [e.row for e in caught.value.errors] == [2]
