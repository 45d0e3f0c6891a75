"""The README's claims about options hold for the commands it names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paxsilica.cli.app import app

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
runner = CliRunner()


def _help(command: str) -> str:
    result = runner.invoke(app, [*command.split(), "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.stdout


def _listed(sentence_start: str) -> list[str]:
    text = README[README.index(sentence_start):]
    return re.findall(r"`([a-z ]+)`", text[: text.index(")")])


def test_commands_said_to_take_db_take_it():
    listed = _listed("Every command that reads or writes the database")
    assert "exposure" in listed and "lists import" in listed
    for command in [c for c in listed if c not in {"data", "trade"}]:
        assert "--db" in _help(command), command
    for command in ("data status", "data import", "trade import", "trade status"):
        assert "--db" in _help(command), command


@pytest.mark.parametrize("command", ["criticality", "verify", "keys new"])
def test_commands_said_to_take_no_db_take_none(command):
    assert f"`{command.split()[0]}`" in README
    assert "--db" not in _help(command)


def test_usgs_example_lists_the_columns_the_reader_needs(tmp_path):
    from paxsilica.io.criticality import USGS_COLUMNS

    assert ",".join(USGS_COLUMNS) in README
    materials = tmp_path / "MATERIALS.csv"
    materials.write_text(",".join(USGS_COLUMNS) + "\ngallium,0.9,0.8,0.5\n", encoding="utf-8")
    result = runner.invoke(app, ["criticality", str(materials), "--method", "usgs-2021",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
