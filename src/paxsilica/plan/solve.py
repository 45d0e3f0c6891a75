"""Solve a declared plan with HiGHS and read the answers.

MILP duals are not defined, so after the MILP the builds are fixed at their optimal
values (``Project-build-fixed``: b = b*) and the LP is re-solved: target duals come
from that LP, and the dual of each fixing row is the marginal cost of building a
project in that year (its reduced cost). An infeasible problem is re-solved as an
elastic relaxation (a slack per target row, minimise total slack); targets left with
slack are the ones in conflict.

Example:
    >>> from paxsilica.plan.problem import Problem
    >>> from paxsilica.plan.model import build
    >>> p = Problem.model_validate({"name": "x", "years": [2026], "concern": ["CHN"],
    ...     "demand": [{"member": "USA", "item": "gallium", "quantity": 10}],
    ...     "sources": [{"id": "s", "item": "gallium", "country": "CHN", "capacity": 20,
    ...                  "cost": 3}]})
    >>> solve(build(p)).objective
    30.0
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import xarray as xr

from paxsilica.plan.highs import INFEASIBLE, options_for, run
from paxsilica.plan.infeasible import diagnose
from paxsilica.plan.model import PlanModel
from paxsilica.plan.objective import tie_break_value
from paxsilica.plan.results import (
    PlanResult,
    builds_table,
    flows_tables,
    inventory_table,
    production_table,
    shortfall_rule,
    stockpiles_table,
    targets_table,
    unmet_table,
)
from paxsilica.plan.terms import expression
from paxsilica.plan.values import loss_avoided, stockpile_rules

__all__ = ["solve"]

def _solution(pm: PlanModel, name: str) -> np.ndarray | None:
    if name not in pm.model.variables:
        return None
    return pm.model.variables[name].solution.fillna(0).values


DEFAULT_MIP_GAP = 1e-4
"""Relative MIP gap at which HiGHS stops (every front end's default)."""


def solve(pm: PlanModel, *, time_limit: float | None = None, mip_gap: float = DEFAULT_MIP_GAP,
          duals: bool = True, log: bool = False, forced_values: int = 20,
          loss_values: int = 30) -> PlanResult:
    """Solve with HiGHS; ``duals``: also the fixed-builds LP for duals and project values.

    ``forced_values``: when at most this many projects are not built, each is also forced
    in (one MILP each) and the objective increase reported as ``forced_in_cost``.
    ``loss_values``: with priced unmet demand, the expected loss each build and stockpile
    avoids (one LP each, when there are at most this many; 0: not computed; see
    :mod:`paxsilica.plan.values`).

    ``log`` prints HiGHS progress (on the process's standard output; the CLI sends it to
    standard error).
    """
    started = time.perf_counter()
    options = options_for(time_limit, mip_gap, log)
    condition = run(pm, options)
    timings = {"solve_seconds": time.perf_counter() - started}
    if condition in INFEASIBLE:
        return _infeasible(pm, options, timings)
    if pm.model.objective.value is None or not np.isfinite(pm.model.objective.value):
        return PlanResult("time_limit", None, *_empty(pm), timings=timings,
                          message="no feasible plan found within the time limit",
                          **_context(pm))
    status = "optimal" if condition == "optimal" else "time_limit"
    solved = {name: _solution(pm, name) for name in (
        "Project-build", "Supply", "Unmet", "Domestic", "Stockpile-level", "Inventory-level")}
    builds, supply, levels = solved["Project-build"], solved["Supply"], solved["Stockpile-level"]
    values = {rows.name: _achieved(pm, rows) for rows in pm.targets}
    objective = float(pm.model.objective.value) - tie_break_value(pm.model, pm.sets)
    gap = _gap(pm)
    target_duals = not_built = None
    worth = None
    if duals:
        started = time.perf_counter()
        target_duals, not_built = _fixed_lp(pm, builds, options)
        timings["duals_seconds"] = time.perf_counter() - started
        if len(not_built) <= forced_values:
            started = time.perf_counter()
            not_built["forced_in_cost"] = [_forced_in(pm, project, options) - objective
                                           for project in not_built["project"]]
            timings["forced_in_seconds"] = time.perf_counter() - started
    if loss_values > 0:
        started = time.perf_counter()
        worth = loss_avoided(pm, builds, levels, options, loss_values)
        timings["values_seconds"] = time.perf_counter() - started
    started = time.perf_counter()
    flows, uses = flows_tables(pm, supply, solved["Unmet"], solved["Domestic"],
                               solved["Inventory-level"])
    result = PlanResult(status, objective, builds_table(pm, builds), flows,
                        unmet_table(pm, solved["Unmet"]),
                        targets_table(pm, values, target_duals, supply),
                        not_built if not_built is not None else _not_built(pm, builds, None),
                        stockpiles=stockpiles_table(pm, levels), mip_gap=gap, timings=timings,
                        uses=uses, production=production_table(pm, supply),
                        inventory=inventory_table(pm, solved["Inventory-level"]),
                        stockpile_rules=stockpile_rules(pm, supply, levels),
                        values=worth if worth is not None else pd.DataFrame(),
                        **_context(pm))
    timings["tables_seconds"] = time.perf_counter() - started
    return result


def _achieved(pm: PlanModel, rows: object) -> np.ndarray:
    """A target row's left side without what a soft target missed (the share achieved)."""
    value = pm.model.constraints[rows.name].lhs.solution.values  # type: ignore[attr-defined]
    if rows.missed is None:  # type: ignore[attr-defined]
        return value
    missed = pm.model.variables[rows.missed].solution.fillna(0).values  # type: ignore[attr-defined]
    return value + missed if rows.sense == "<=" else value - missed  # type: ignore[attr-defined]


def _context(pm: PlanModel) -> dict[str, object]:
    """What every answer carries: the rule sharing shortfalls, scenarios and warnings."""
    problem = pm.sets.problem
    scenarios = pd.DataFrame([{"scenario": s.name, "probability": s.probability,
                               "origin": s.origin or "problem file"}
                              for s in problem.scenarios],
                             columns=["scenario", "probability", "origin"])
    return {"shortfall_rule": shortfall_rule(pm), "scenarios": scenarios,
            "warnings": list(problem.notes)}


def _gap(pm: PlanModel) -> float | None:
    solver = pm.model.solver_model
    try:
        gap = float(solver.getInfo().mip_gap)
    except AttributeError:
        return None
    return gap if np.isfinite(gap) else None  # an LP (no projects) has no MIP gap


def _fixed_lp(pm: PlanModel, builds: np.ndarray | None,
              options: dict[str, object]) -> tuple[dict[str, np.ndarray], pd.DataFrame]:
    m = pm.model
    if builds is not None:
        variable = m.variables["Project-build"]
        variable.relax()
        # free bounds, so the fixing row (not a bound at 0 or 1) carries the reduced cost
        variable.update(lower=-1.0, upper=2.0)
        fixed = xr.DataArray(np.round(builds), coords=variable.labels.coords)
        coords = {d: variable.indexes[d] for d in ("project", "build_year")}
        lhs = expression(m, variable.labels.values[..., None], np.ones(1),
                         ["project", "build_year"], coords)
        m.add_constraints(lhs == fixed, name="Project-build-fixed", mask=variable.labels >= 0)
    # HiGHS presolve turns the fixing rows into bounds and their duals come back as 0
    lp_options = {**{k: v for k, v in options.items() if k != "mip_rel_gap"},
                  "presolve": "off"}
    run(pm, lp_options)
    duals = {rows.name: m.constraints[rows.name].dual.fillna(0).values for rows in pm.targets}
    reduced = None
    if builds is not None:
        reduced = m.constraints["Project-build-fixed"].dual.values
        m.remove_constraints("Project-build-fixed")
        variable.update(lower=0.0, upper=1.0)
        variable.unrelax()
    return duals, _not_built(pm, builds, reduced)


def _forced_in(pm: PlanModel, project: str, options: dict[str, object]) -> float:
    """Optimum with ``project`` built in some year (nan when that is infeasible)."""
    m = pm.model
    build_var = m.variables["Project-build"]
    m.add_constraints(build_var.sel(project=project).sum() == 1, name="Project-forced")
    try:
        condition = run(pm, options)
        value = m.objective.value
        return float(value) if condition not in INFEASIBLE and value is not None else np.nan
    finally:
        m.remove_constraints("Project-forced")


def _not_built(pm: PlanModel, builds: np.ndarray | None,
               reduced: np.ndarray | None) -> pd.DataFrame:
    """Projects not built, with the saving of building them in their best year (first
    order: minus the reduced cost of the fixed build; negative = it would cost more)."""
    columns = ["project", "item", "country", "capex", "marginal_value", "best_year",
               "forced_in_cost"]
    if builds is None:
        return pd.DataFrame(columns=columns)
    unbuilt = builds.sum(axis=1) < 0.5
    projects = pm.sets.projects[unbuilt]
    frame = projects[["supplier", "item", "country", "capex"]].rename(
        columns={"supplier": "project"}).reset_index(drop=True)
    frame["forced_in_cost"] = np.nan
    if reduced is None:
        frame["marginal_value"] = np.nan
        frame["best_year"] = None
        return frame[columns]
    window = pm.sets.build_window()[unbuilt]
    costs = np.where(window, np.nan_to_num(reduced[unbuilt]), np.inf)
    best = np.argmin(costs, axis=1)
    frame["marginal_value"] = -costs[np.arange(len(best)), best]
    frame["best_year"] = pm.sets.years.to_numpy()[best]
    return frame[columns]


def _empty(pm: PlanModel) -> tuple[pd.DataFrame, ...]:
    targets = pd.DataFrame(columns=["target", "kind", "item", "member", "country", "scenario",
                                    "year", "value", "limit", "dual"])
    return (builds_table(pm, None), flows_tables(pm, None)[0],
            unmet_table(pm, None), targets, _not_built(pm, None, None))


def _infeasible(pm: PlanModel, options: dict[str, object],
                timings: dict[str, float]) -> PlanResult:
    """Elastic re-solves: which targets (then demands) must give way, and by how much."""
    started = time.perf_counter()
    conflicts, message = diagnose(pm, options)
    timings["diagnosis_seconds"] = time.perf_counter() - started
    return PlanResult("infeasible", None, *_empty(pm), conflicts=conflicts, timings=timings,
                      message=message, **_context(pm))
