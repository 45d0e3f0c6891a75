"""Declare the planning model (linopy); solving is :mod:`paxsilica.plan.solve`.

Example:
    >>> from paxsilica.plan.problem import Problem
    >>> p = Problem.model_validate({"name": "x", "years": [2026], "concern": ["CHN"],
    ...     "demand": [{"member": "USA", "item": "gallium", "quantity": 10}],
    ...     "sources": [{"id": "s", "item": "gallium", "country": "CHN", "capacity": 20,
    ...                  "cost": 1}]})
    >>> sorted(build(p).model.constraints)
    ['Item-balance']
"""

from __future__ import annotations

from dataclasses import dataclass

import linopy

from paxsilica.model.network import StackNetwork
from paxsilica.plan.constraints import (
    add_build_once,
    add_demand_balance,
    add_domestic_links,
    add_project_capacity,
    add_shortfall_rule,
    add_stock_drawdown,
)
from paxsilica.plan.objective import add_cost_objective, add_slack_objective
from paxsilica.plan.problem import Problem
from paxsilica.plan.sets import PlanSets, plan_sets
from paxsilica.plan.targets import TargetRows, add_targets
from paxsilica.plan.variables import (
    add_builds,
    add_domestic,
    add_inventory,
    add_shortfall_share,
    add_stock_levels,
    add_supply,
    add_unmet,
)

__all__ = ["PlanModel", "build"]


@dataclass(frozen=True, eq=False)
class PlanModel:
    """A declared model with the sets and target rows needed to read its answers."""

    model: linopy.Model
    sets: PlanSets
    targets: list[TargetRows]
    elastic: bool = False


def build(problem: Problem, net: StackNetwork | None = None, *,
          elastic: bool = False) -> PlanModel:
    """The linopy model of a validated problem (``net`` is unused once loaded; kept for API).

    ``elastic``: every target and the demand balance get a slack and the objective is the
    total slack (finds which targets conflict when the problem is infeasible).
    """
    del net  # names were resolved by load_problem
    sets = plan_sets(problem)
    m = linopy.Model(force_dim_names=True)
    build_var = add_builds(m, sets)
    supply = add_supply(m, sets)
    domestic = add_domestic(m, sets)
    unmet = add_unmet(m, sets)
    if unmet is None and elastic:
        unmet = add_unmet(m, sets, name="Demand-shortfall", always=True)
    level = add_stock_levels(m, sets)
    inventory = add_inventory(m, sets)
    share = add_shortfall_share(m, sets, unmet)
    add_build_once(m, sets, build_var)
    add_project_capacity(m, sets, supply, build_var)
    add_stock_drawdown(m, sets, supply, level)
    add_demand_balance(m, sets, supply, unmet, inventory)
    add_shortfall_rule(m, sets, unmet, share)
    add_domestic_links(m, sets, supply, domestic, unmet)
    targets = add_targets(m, sets, supply, domestic, build_var, elastic=elastic)
    if elastic:
        add_slack_objective(m)
    else:
        add_cost_objective(m, sets, targets)
    return PlanModel(m, sets, targets, elastic)
