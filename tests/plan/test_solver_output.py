"""HiGHS writes its banner to file descriptor 1 whenever a solver is made; the planner
must keep it off standard output (JSON answers and reports are written there)."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import importlib.resources as resources
from paxsilica.model.network import StackNetwork
from paxsilica.plan import load_problem, plan
from paxsilica.plan.expand import expand_coalition
from paxsilica.store import open_store
net = StackNetwork.from_store(open_store(":memory:"))
problem = load_problem(str(resources.files("paxsilica.data") / "plans" / "ndpr_magnets.yaml"), net)
print("status", plan(problem, net).status)
expand_coalition(net, "rare_earth_ore", 1, as_of="2026-06-01")
print("done")
"""


def test_solver_banner_stays_off_stdout():
    run = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["status", "optimal", "done"]
    assert "HiGHS" in run.stderr  # still shown, where logs belong
