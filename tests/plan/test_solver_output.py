"""HiGHS writes its banner to file descriptor 1 whenever a solver is made; the planner
must keep it off standard output (JSON answers and reports are written there), and print
no solver text at all when the log is off (``plan --quiet``)."""

from __future__ import annotations

import subprocess
import sys

import pytest

CODE = """
import importlib.resources as resources
from paxsilica.model.network import StackNetwork
from paxsilica.plan import load_problem, plan
from paxsilica.plan.expand import expand_coalition
from paxsilica.store import open_store
net = StackNetwork.from_store(open_store(":memory:"))
problem = load_problem(str(resources.files("paxsilica.data") / "plans" / "ndpr_magnets.yaml"), net)
print("status", plan(problem, net, log=LOG).status)
expand_coalition(net, "rare_earth_ore", 1, as_of="2026-06-01")
print("done")
"""


@pytest.mark.parametrize("log", [True, False])
def test_solver_banner_stays_off_stdout(log):
    run = subprocess.run([sys.executable, "-c", f"LOG = {log}\n{CODE}"], capture_output=True,
                         text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["status", "optimal", "done"]
    # with the log on, shown where logs belong; off, the banner is gone too (HiGHS prints
    # it once per process, at the first solver made: the plan's)
    assert ("HiGHS" in run.stderr) is log
