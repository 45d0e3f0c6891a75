"""Joint planning: which projects, where, when and financed by whom (HiGHS via linopy).

``load_problem`` reads a YAML problem, ``build`` declares the linopy model, ``solve``
runs HiGHS and returns a :class:`PlanResult`; ``plan`` does all three.
``expand_coalition`` ranks eligible candidate members; ``share_costs`` splits joint
costs and ``cost_game`` plays the members' cost game (Shapley value, core).
"""

from __future__ import annotations

from pathlib import Path

from paxsilica.model.network import StackNetwork
from paxsilica.plan.costs import share_costs
from paxsilica.plan.expand import Expansion, expand_coalition
from paxsilica.plan.game import CostGame, cost_game
from paxsilica.plan.load import bundled_network, check_problem, load_problem, parse_problem
from paxsilica.plan.model import PlanModel, build
from paxsilica.plan.problem import Problem
from paxsilica.plan.results import PlanResult
from paxsilica.plan.solve import DEFAULT_MIP_GAP, solve

__all__ = ["DEFAULT_MIP_GAP", "CostGame", "Expansion", "PlanModel", "PlanResult", "Problem",
           "build", "checked_problem", "cost_game", "expand_coalition", "load_problem", "plan",
           "share_costs", "solve"]


def checked_problem(problem: Problem | dict | str | Path, net: StackNetwork, *,
                    file: str = "<problem>", scenario_files: bool = True) -> Problem:
    """A problem (a file path, a mapping as in a YAML file, or a Problem) shape-checked and
    resolved against ``net``; errors name ``file`` (or the path) and the key.
    ``scenario_files`` False refuses simulator scenario files (remote requests must not
    read the server's disk)."""
    if isinstance(problem, dict):
        return check_problem(parse_problem(problem, file), net, file,
                             scenario_files=scenario_files)
    if isinstance(problem, Problem):
        return check_problem(problem, net, file, scenario_files=scenario_files)
    return load_problem(problem, net, scenario_files=scenario_files)

def plan(problem: Problem | dict | str | Path, net: StackNetwork | None = None,
         **options: object) -> PlanResult:
    """Check (a path, a mapping as in a YAML file, or a Problem), build and solve.

    ``options`` go to :func:`solve`. A Problem is re-checked against ``net`` (names
    resolved); ``net`` defaults to the bundled data.

    >>> result = plan({"name": "x", "years": [2026], "concern": ["CHN"],
    ...     "demand": [{"member": "USA", "item": "gallium", "quantity": 10}],
    ...     "sources": [{"id": "s", "item": "gallium", "country": "JPN", "capacity": 20,
    ...                  "cost": 3}]})
    >>> result.status, result.objective
    ('optimal', 30.0)
    """
    net = net or bundled_network()
    return solve(build(checked_problem(problem, net), net), **options)  # type: ignore[arg-type]
