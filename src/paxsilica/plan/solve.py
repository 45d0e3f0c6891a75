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

import logging
import math
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pandas as pd
import xarray as xr

from paxsilica.errors import ParameterError
from paxsilica.plan.model import PlanModel, build
from paxsilica.plan.results import (
    PlanResult,
    builds_table,
    flows_table,
    stockpiles_table,
    targets_table,
    unmet_table,
)
from paxsilica.plan.terms import expression

__all__ = ["solve"]

INFEASIBLE = {"infeasible", "infeasible_or_unbounded"}


@contextmanager
def solver_output_to_stderr(quiet: bool = False) -> Iterator[None]:
    """HiGHS prints its banner on the process's standard output (file descriptor 1) when a
    solver object is made, whatever its options; point that descriptor at stderr for the
    solve (at the null device when ``quiet``: no banner at all), so that JSON or a report
    on stdout is never mixed with solver text."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no descriptor 1 (embedded interpreters): nothing to protect
        yield
        return
    target = os.open(os.devnull, os.O_WRONLY) if quiet else 2
    try:
        os.dup2(target, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        if quiet:
            os.close(target)


def _run(pm: PlanModel, options: dict[str, object]) -> str:
    # linopy logs a warning for every non-optimal status; the answer reports it instead
    logging.getLogger("linopy").setLevel(logging.ERROR)
    with solver_output_to_stderr(quiet=not options["output_flag"]):
        _, condition = pm.model.solve(solver_name="highs", io_api="direct", **options)
    return str(condition)


def _options(time_limit: float | None, mip_gap: float, log: bool) -> dict[str, object]:
    if time_limit is not None and not (math.isfinite(time_limit) and time_limit > 0):
        raise ParameterError(f"time_limit must be a positive number of seconds, not {time_limit}")
    if not (math.isfinite(mip_gap) and 0 <= mip_gap < 1):
        raise ParameterError(f"mip_gap must be within 0-1, not {mip_gap}")
    options: dict[str, object] = {"mip_rel_gap": mip_gap, "log_to_console": log,
                                  "output_flag": log}
    if time_limit is not None:
        options["time_limit"] = float(time_limit)
    return options


def _solution(pm: PlanModel, name: str) -> np.ndarray | None:
    if name not in pm.model.variables:
        return None
    return pm.model.variables[name].solution.fillna(0).values


DEFAULT_MIP_GAP = 1e-4
"""Relative MIP gap at which HiGHS stops (every front end's default)."""


def solve(pm: PlanModel, *, time_limit: float | None = None, mip_gap: float = DEFAULT_MIP_GAP,
          duals: bool = True, log: bool = False, forced_values: int = 20) -> PlanResult:
    """Solve with HiGHS; ``duals``: also the fixed-builds LP for duals and project values.

    ``forced_values``: when at most this many projects are not built, each is also forced
    in (one MILP each) and the objective increase reported as ``forced_in_cost``.

    ``log`` prints HiGHS progress (on the process's standard output; the CLI sends it to
    standard error).
    """
    started = time.perf_counter()
    options = _options(time_limit, mip_gap, log)
    condition = _run(pm, options)
    timings = {"solve_seconds": time.perf_counter() - started}
    if condition in INFEASIBLE:
        return _infeasible(pm, options, timings)
    if pm.model.objective.value is None or not np.isfinite(pm.model.objective.value):
        return PlanResult("time_limit", None, *_empty(pm), timings=timings,
                          message="no feasible plan found within the time limit")
    status = "optimal" if condition == "optimal" else "time_limit"
    builds = _solution(pm, "Project-build")
    supply = _solution(pm, "Supply")
    unmet = _solution(pm, "Unmet")
    domestic = _solution(pm, "Domestic")
    levels = _solution(pm, "Stockpile-level")
    values = {rows.name: pm.model.constraints[rows.name].lhs.solution.values
              for rows in pm.targets}
    objective = float(pm.model.objective.value)
    gap = _gap(pm)
    target_duals = not_built = None
    if duals:
        started = time.perf_counter()
        target_duals, not_built = _fixed_lp(pm, builds, options)
        timings["duals_seconds"] = time.perf_counter() - started
        if len(not_built) <= forced_values:
            started = time.perf_counter()
            not_built["forced_in_cost"] = [_forced_in(pm, project, options) - objective
                                           for project in not_built["project"]]
            timings["forced_in_seconds"] = time.perf_counter() - started
    started = time.perf_counter()
    result = PlanResult(status, objective, builds_table(pm, builds),
                        flows_table(pm, supply, unmet, domestic),
                        unmet_table(pm, unmet), targets_table(pm, values, target_duals),
                        not_built if not_built is not None else _not_built(pm, builds, None),
                        stockpiles=stockpiles_table(pm, levels), mip_gap=gap, timings=timings)
    timings["tables_seconds"] = time.perf_counter() - started
    return result


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
    _run(pm, lp_options)
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
        condition = _run(pm, options)
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
    return (builds_table(pm, None), flows_table(pm, None),
            unmet_table(pm, None), targets, _not_built(pm, None, None))


def _infeasible(pm: PlanModel, options: dict[str, object],
                timings: dict[str, float]) -> PlanResult:
    """Elastic re-solve: which targets (or demands) must give way, and by how much."""
    elastic = build(pm.sets.problem, elastic=True)
    _run(elastic, options)
    rows = []
    m = elastic.model
    for name in [n for n in m.variables if n.endswith("-slack") or n == "Demand-shortfall"]:
        slack = m.variables[name].solution.fillna(0).to_dataframe().reset_index()
        slack = slack[slack["solution"] > 1e-6]
        key = "demand" if name == "Demand-shortfall" else "target"
        for row in slack.to_dict("records"):
            rows.append({"constraint": name.removesuffix("-slack"), "target": row[key],
                         "scenario": row.get("scenario", "all"), "year": row["year"],
                         "violation": row["solution"]})
    conflicts = pd.DataFrame(rows, columns=["constraint", "target", "scenario", "year",
                                            "violation"])
    names = sorted(set(conflicts["target"]))
    message = ("infeasible: these cannot all hold: " + ", ".join(names)) if names else \
        "infeasible"
    return PlanResult("infeasible", None, *_empty(pm), conflicts=conflicts, timings=timings,
                      message=message)
