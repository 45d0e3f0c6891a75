"""Joint planning: which projects, where, when and financed by whom (HiGHS via linopy).

``load_problem`` reads a YAML problem, ``build`` declares the linopy model, ``solve``
runs HiGHS and returns a :class:`PlanResult`; ``plan`` does all three.
``expand_coalition`` ranks candidate members; ``share_costs`` splits joint costs.
"""

from __future__ import annotations

from pathlib import Path

from paxsilica.model.network import StackNetwork
from paxsilica.plan.costs import share_costs
from paxsilica.plan.expand import Expansion, expand_coalition
from paxsilica.plan.load import load_problem
from paxsilica.plan.model import PlanModel, build
from paxsilica.plan.problem import Problem
from paxsilica.plan.results import PlanResult
from paxsilica.plan.solve import solve

__all__ = ["Expansion", "PlanModel", "PlanResult", "Problem", "build", "expand_coalition",
           "load_problem", "plan", "share_costs", "solve"]


def plan(problem: Problem | str | Path, net: StackNetwork | None = None,
         **options: object) -> PlanResult:
    """Load (when given a path), build and solve; ``options`` go to :func:`solve`."""
    if not isinstance(problem, Problem):
        problem = load_problem(problem, net)
    return solve(build(problem, net), **options)  # type: ignore[arg-type]
