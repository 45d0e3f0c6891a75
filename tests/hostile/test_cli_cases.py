"""Every CLI case of the hostile-input audit (scripts/audit_hostile.py, issue 22) as a
regression test: a one-line error naming file, key or field with exit 2, or a correct
answer; never a traceback, a NaN, a hang or an exhausted machine (each case runs bounded).

Cases that would start a server if their check regressed (``serve …``), and those about
what reaches the process's own file descriptors (HiGHS writes its banner to descriptor 1,
which CliRunner does not see), run in a subprocess with the audit's time and memory
limits; the others in-process (CliRunner).
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from paxsilica.cli.app import app

from .conftest import audit, bounded

SUBPROCESS = [case for case in audit.CASES if case.argv[0] == "serve" or case.absent]
IN_PROCESS = [case for case in audit.CASES if case not in SUBPROCESS]


@pytest.mark.parametrize("case", IN_PROCESS, ids=[case.id for case in IN_PROCESS])
def test_cli_case(case, tmp_path, cli_db, monkeypatch):
    argv = audit.materialise(case, tmp_path)
    monkeypatch.chdir(tmp_path)  # an ensemble's members folder defaults to the working folder
    monkeypatch.setenv("COLUMNS", "200")
    with bounded():
        result = CliRunner().invoke(app, [*(["--db", str(cli_db)] if case.db else []), *argv])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback: show it
    assert audit.judge(case, result.exit_code, result.stdout, result.stderr) == []


@pytest.mark.parametrize("case", SUBPROCESS, ids=[case.id for case in SUBPROCESS])
def test_cli_case_in_a_bounded_process(case, tmp_path, cli_db):
    problems, _ = audit.run_case(case, tmp_path, cli_db)
    assert problems == []


def test_every_issue_item_has_cases():
    covered = {case.issue for case in audit.CASES}
    assert {"22.1", "22.2", "22.3", "22.4", "22.5", "22.8", "22.9"} <= covered
    assert len({case.id for case in audit.CASES}) == len(audit.CASES)


def test_the_judge_fails_what_it_must():
    error = audit.Case("x", "22", ("plan",), "error", ("p.yaml", "capex"))
    assert audit.judge(error, 2, "", "error: p.yaml row 3, field 'capex': bad\n") == []
    assert audit.judge(error, 1, "", "error: p.yaml row 3, field 'capex': bad\n")  # exit status
    assert audit.judge(error, 2, "", "error: q.yaml: bad\n")  # names neither
    assert audit.judge(error, 2, "", "Traceback (most recent call last):\n  x\nerror: p.yaml capex\n")
    assert audit.judge(error, None, "", "")  # hung
    ok = audit.Case("y", "22", ("plan",), "ok", absent=("HiGHS",))
    assert audit.judge(ok, 0, '{"objective": 1.5}', "") == []
    assert audit.judge(ok, 0, '{"objective": NaN}', "")
    assert audit.judge(ok, 0, "{}", "Running HiGHS 1.16")
