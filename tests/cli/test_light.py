"""A light CLI: ``--help`` of the program and of every command imports no heavy library.

Each top-level command's help (with the help of each of its subcommands) runs in a fresh
interpreter, which then reports which of the heavy libraries are in ``sys.modules``. A
command module that imports pandas (or the store, the planner, the web framework…) at
module level fails here, naming the command.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import typer

from paxsilica.cli.app import app

HEAVY = ("pandas", "numpy", "duckdb", "scipy", "fastapi", "pyarrow", "plotly", "linopy", "dask")

PROBE = """
import json, sys
from paxsilica.cli.app import app
import typer
command = typer.main.get_command(app)
heavy = {heavy!r}
found = {{}}
for path in {paths!r}:
    try:
        command.main([*path, "--help"], prog_name="paxsilica", standalone_mode=False)
    except SystemExit:
        pass
    loaded = [name for name in heavy if name in sys.modules]
    if loaded:
        found[" ".join(path) or "(program)"] = loaded
        break
print(json.dumps(found))
"""


def _commands(command: object, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    if hasattr(command, "list_commands"):
        context = typer._click.Context(command)  # type: ignore[attr-defined]
        for name in command.list_commands(context):  # type: ignore[attr-defined]
            found += _commands(command.get_command(context, name), (*path, name))  # type: ignore[attr-defined]
    return found


ALL = _commands(typer.main.get_command(app))
TOP = sorted({path[:1] for path in ALL})


def test_every_command_is_probed():
    names = {" ".join(path) for path in ALL}
    # the verbs and a few subcommands: a registration that stopped working shows here
    assert {"", "exposure", "certify", "simulate", "plan solve", "data import",
            "tokens add", "serve"} <= names
    assert len(ALL) >= 30


@pytest.mark.parametrize("top", TOP, ids=lambda path: " ".join(path) or "(program)")
def test_help_imports_no_heavy_library(top):
    paths = [list(path) for path in ALL if path[:len(top)] == top] if top else [[]]
    probe = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY, paths=paths)],
                           capture_output=True, text=True, timeout=300, check=False)
    assert probe.returncode == 0, probe.stderr
    found = json.loads(probe.stdout.strip().splitlines()[-1])
    assert found == {}, f"--help imported heavy libraries: {found}"


def test_the_probe_would_see_a_heavy_import():
    # the check itself can fail: a help that imports pandas is reported
    code = PROBE.format(heavy=HEAVY, paths=[[]]).replace(
        "for path in", "import pandas\nfor path in")
    probe = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           timeout=300, check=False)
    found = json.loads(probe.stdout.strip().splitlines()[-1])
    assert list(found) == ["(program)"] and {"pandas", "numpy"} <= set(found["(program)"])


def test_help_states_the_library_defaults():
    from typer.testing import CliRunner

    from paxsilica.certify.issue import DEFAULT_MAX_LIST_AGE_DAYS
    from paxsilica.plan.solve import DEFAULT_MIP_GAP

    runner = CliRunner()
    plan = runner.invoke(app, ["plan", "solve", "--help"], env={"COLUMNS": "200"})
    assert f"default {DEFAULT_MIP_GAP:g}" in plan.output
    certify = runner.invoke(app, ["certify", "--help"], env={"COLUMNS": "200"})
    assert f"default {DEFAULT_MAX_LIST_AGE_DAYS}" in certify.output


def test_python_dash_m_runs_the_program():
    result = subprocess.run([sys.executable, "-m", "paxsilica", "--version"], capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0 and result.stdout.startswith("paxsilica ")


WARM = """
import contextlib, io, json, os, sys
from paxsilica.cli.app import app
import typer
command = typer.main.get_command(app)
before = os.stat({db!r})
with contextlib.redirect_stdout(io.StringIO()) as out:
    try:
        command.main(["--db", {db!r}, "exposure", "--item", "gallium", "--format", "json"],
                     prog_name="paxsilica", standalone_mode=False)
    except SystemExit:
        pass
after = os.stat({db!r})
print(json.dumps({{"rows": len(json.loads(out.getvalue())),
                   "same_file": (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns),
                   "loaded": sorted(m for m in sys.modules if m.startswith(
                       ("paxsilica.store.importer", "paxsilica.validate", "paxsilica.store.transfer",
                        "paxsilica.analytics.multitier", "scipy", "fastapi", "linopy", "dask")))}}))
"""


def test_a_warm_query_rebuilds_nothing(tmp_path):
    """On a database already holding the bundled data, a one-item exposure writes nothing
    (no DDL, no import: the file is untouched) and loads no importer, validator, all-tier
    analysis or service library."""
    db = str(tmp_path / "warm.duckdb")
    first = subprocess.run([sys.executable, "-m", "paxsilica", "--db", db, "data", "status"],
                           capture_output=True, text=True, timeout=300, check=False)
    assert first.returncode == 0, first.stderr
    probe = subprocess.run([sys.executable, "-c", WARM.format(db=db)], capture_output=True,
                           text=True, timeout=300, check=False)
    assert probe.returncode == 0, probe.stderr
    found = json.loads(probe.stdout.strip().splitlines()[-1])
    assert found["rows"] > 1 and found["same_file"] and found["loaded"] == []
