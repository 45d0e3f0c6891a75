"""Hostile or mistaken table inputs: deep nesting, YAML alias bombs, a directory as a file.

Each is a one-line ValidationError naming the file (and line), never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from paxsilica.cli.app import app
from paxsilica.errors import ValidationError
from paxsilica.io.tables import MAX_NESTING, nesting_depth, read_table

runner = CliRunner()


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("depth", [MAX_NESTING + 1, 5000, 200_000])
def test_deeply_nested_json_line_is_refused_at_its_line(tmp_path, depth):
    good = '{"stage_id": "mine", "name": "Mining", "order": 0}\n'
    deep = '{"stage_id": ' + "[" * depth + "]" * depth + "}\n"
    path = _write(tmp_path, "s.jsonl", good + deep)
    with pytest.raises(ValidationError) as caught:
        read_table(path)
    error = caught.value.errors[0]
    assert (error.file, error.row) == (str(path), 2)
    assert f"nested more than {MAX_NESTING} levels" in error.reason


def test_list_cells_in_json_lines_still_read(tmp_path):
    path = _write(tmp_path, "c.jsonl", '{"measure_id": "x", "targets": ["USA", "JPN"]}\n')
    assert read_table(path).frame["targets"].tolist() == [["USA", "JPN"]]


@pytest.mark.parametrize("depth", [MAX_NESTING + 5, 100_000])
def test_deeply_nested_yaml_is_refused(tmp_path, depth):
    path = _write(tmp_path, "s.yaml", "- stage_id: " + "[" * depth + "]" * depth + "\n")
    with pytest.raises(ValidationError, match="nested more than"):
        read_table(path)


def test_yaml_alias_bomb_is_refused_naming_its_line(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 12)]
    lines.append("stages: [{stage_id: *a11}]")
    path = _write(tmp_path, "bomb.yaml", "\n".join(lines) + "\n")
    # 9**12 leaves if expanded; the loader counts each shared node once and stops at the
    # first anchor whose expansion passes the bound (a6: 9**7 values)
    with pytest.raises(ValidationError, match=r"bomb.yaml row 7, field 'a6': more than 1,000,000 values"):
        read_table(path, "stages")


def test_yaml_aliases_below_the_bound_are_read(tmp_path):
    path = _write(tmp_path, "aliased.yaml", "x: &s {stage_id: mine, name: Mining, order: 1}\n"
                                            "stages: [*s]\n")
    assert read_table(path, "stages").frame.to_dict("records")[0]["stage_id"] == "mine"


def test_nesting_depth_counts_without_recursion():
    value: list = []
    for _ in range(100_000):
        value = [value]
    assert nesting_depth(value) == MAX_NESTING + 1


@pytest.mark.parametrize("command", [["data", "import"], ["data", "validate"]])
def test_deep_json_through_the_cli_is_one_line_exit_2(tmp_path, command):
    path = _write(tmp_path, "s.jsonl", '{"item_id": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    result = runner.invoke(app, [*command, "supplies", str(path), "--db", str(tmp_path / "d.duckdb")])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert f"{path} row 1" in result.stderr and "nested more than" in result.stderr


def test_a_directory_given_as_input_file_says_so(tmp_path):
    folder = tmp_path / "supplies.csv"
    folder.mkdir()
    with pytest.raises(ValidationError, match="is a directory, not a file"):
        read_table(folder)
    result = runner.invoke(app, ["data", "import", "supplies", str(folder),
                                 "--db", str(tmp_path / "d.duckdb")])
    assert result.exit_code == 2 and "is a directory" in result.stderr


@pytest.mark.parametrize("command", [["lists", "import", "{folder}", "--name", "x"],
                                     ["screen", "{folder}", "--list", "bundled:fcc_covered"],
                                     ["criticality", "{folder}"]])
def test_every_reader_says_a_directory_is_a_directory(tmp_path, command):
    folder = tmp_path / "input.csv"
    folder.mkdir()
    args = [part.format(folder=folder) for part in command]
    result = runner.invoke(app, [*args, "--db", str(tmp_path / "d.duckdb")]
                           if command[0] != "criticality" else args)
    assert result.exit_code == 2, result.output
    assert "is a directory, not a file" in result.stderr
