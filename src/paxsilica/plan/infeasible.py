"""Why a plan is infeasible: which targets conflict, and by how much each must give.

The problem is re-solved as an elastic relaxation (:func:`paxsilica.plan.model.build` with
``elastic=True``): every target row gets a slack, and demand a shortfall
(``Demand-shortfall``) when unmet demand is not priced. Slacks are minimised
lexicographically, so **targets relax before demand, and lower-priority targets before
higher ones** (the target's ``priority``, default 1; demand ranks above every target):

1. minimise Σ shortfall ÷ demand (demand gives way only if no relaxation of the
   targets can serve it), and keep that;
2. for each target priority from the highest down: minimise Σ slack ÷ scale of the
   targets at that priority (in share points, so targets on different items compare),
   and keep that.

The targets left with slack are the conflict; for each the answer gives the limit it
would need (``required_limit``: the limit plus or minus slack ÷ scale, at the worst
scenario and year) and the quantity.

Example:
    >>> from paxsilica.plan.problem import Problem
    >>> from paxsilica.plan.model import build
    >>> p = Problem.model_validate({"name": "x", "years": [2026], "concern": ["CHN"],
    ...     "demand": [{"member": "USA", "item": "gallium", "quantity": 100}],
    ...     "sources": [{"id": "cn", "item": "gallium", "country": "CHN", "capacity": 500,
    ...                  "cost": 1}],
    ...     "targets": [{"kind": "max_concern_share", "item": "gallium", "limit": 0.2}]})
    >>> table, message = diagnose(build(p), {"output_flag": False})
    >>> table[["target", "limit", "required_limit"]].values.tolist()
    [['max_concern_share:gallium', 0.2, 1.0]]
"""

from __future__ import annotations

import linopy
import numpy as np
import pandas as pd
import xarray as xr

from paxsilica.plan.highs import run
from paxsilica.plan.model import PlanModel, build

__all__ = ["diagnose"]

TOLERANCE = 1e-6
"""Smallest slack reported, in share points (slack ÷ scale) or shares of demand."""
KEEP = 1e-8
"""Room left when an optimum of one phase is kept for the next (relative and absolute)."""
COLUMNS = ["constraint", "target", "kind", "priority", "scenario", "year", "violation",
           "limit", "required_limit"]


def _run(pm: PlanModel, options: dict[str, object]) -> str:
    return run(pm, options)


def _weights(rows: object, dims: list[str], coords: dict[str, object]) -> xr.DataArray:
    """1 / scale per slack cell (share points), (scenario,) year, target."""
    scale = rows.scale  # type: ignore[attr-defined]
    weight = 1.0 / np.where(scale > 1e-12, scale, 1.0)
    data = xr.DataArray(weight, coords=[coords["year"], coords["target"]])
    return data.transpose(*[d for d in dims if d != "scenario"])


def _family_terms(pm: PlanModel, priority: int | None) -> list[linopy.LinearExpression]:
    """Σ slack ÷ scale of the targets at ``priority`` (every target when None)."""
    m = pm.model
    terms = []
    for rows in pm.targets:
        slack = m.variables[f"{rows.name}-slack"]
        coords = {"year": slack.indexes["year"], "target": slack.indexes["target"]}
        weight = _weights(rows, list(slack.dims), coords)
        keep = np.ones(len(rows.groups), dtype=bool) if priority is None else (
            rows.groups["priority"].to_numpy() == priority)
        if not keep.any():
            continue
        mask = xr.DataArray(keep.astype(float), coords=[coords["target"]])
        terms.append((slack * (weight * mask)).sum())
    return terms


def _shortfall_term(pm: PlanModel) -> linopy.LinearExpression | None:
    m = pm.model
    if "Demand-shortfall" not in m.variables:
        return None
    short = m.variables["Demand-shortfall"]
    demand = pm.sets.demand
    weight = 1.0 / np.where(demand > 1e-12, demand, 1.0)
    return (short * xr.DataArray(weight, coords=[short.indexes["year"],
                                                 short.indexes["demand"]])).sum()


def _minimise_and_keep(pm: PlanModel, terms: list[linopy.LinearExpression], name: str,
                       options: dict[str, object]) -> bool:
    """Minimise Σ terms, then add ``Σ terms ≤ optimum`` (named ``name``). False when the
    relaxation itself fails (time limit)."""
    if not terms:
        return True
    m = pm.model
    total = sum(terms[1:], terms[0])
    m.add_objective(total, overwrite=True)
    _run(pm, options)
    value = m.objective.value
    if value is None or not np.isfinite(value):
        return False
    m.add_constraints(total <= float(value) * (1 + KEEP) + KEEP, name=name)
    return True


def diagnose(pm: PlanModel, options: dict[str, object]) -> tuple[pd.DataFrame, str]:
    """Conflicting targets (and demands) of an infeasible problem, with the limits they
    would need, and a one-line message naming targets first."""
    elastic = build(pm.sets.problem, elastic=True)
    ok = _minimise_and_keep(elastic, [t for t in [_shortfall_term(elastic)] if t is not None],
                            "Keep-demand", options)
    levels = sorted({int(p) for rows in elastic.targets for p in rows.groups["priority"]},
                    reverse=True)
    for level in levels:
        if ok:
            ok = _minimise_and_keep(elastic, _family_terms(elastic, level),
                                    f"Keep-priority-{level}", options)
    table = _read(elastic)
    return table, _message(table, ok)


def _read(pm: PlanModel) -> pd.DataFrame:
    m = pm.model
    rows = []
    for family in pm.targets:
        slack = m.variables[f"{family.name}-slack"].solution.fillna(0)
        values = slack.values if family.per_scenario else slack.values[None]
        scenarios = pm.sets.scenarios.to_numpy() if family.per_scenario else np.array(["all"])
        scale = np.where(family.scale > 1e-12, family.scale, 1.0)[None]
        k, t, g = np.nonzero(values / scale > TOLERANCE)
        for k_, t_, g_ in zip(k, t, g, strict=True):
            group = family.groups.iloc[g_]
            scale = family.scale[t_, g_]
            step = values[k_, t_, g_] / scale if scale > 1e-12 else np.inf
            limit = float(group["limit"])
            needed = limit + step if family.sense == "<=" else limit - step
            rows.append({"constraint": family.name, "target": group["target"],
                         "kind": group["kind"], "priority": int(group["priority"]),
                         "scenario": scenarios[k_], "year": int(pm.sets.years[t_]),
                         "violation": float(values[k_, t_, g_]), "limit": limit,
                         "required_limit": float(np.clip(round(needed, 6), 0.0, 1.0))})
    if "Demand-shortfall" in m.variables:
        short = m.variables["Demand-shortfall"].solution.fillna(0).values
        demand = np.where(pm.sets.demand > 1e-12, pm.sets.demand, 1.0)[None]
        k, t, d = np.nonzero(short / demand > TOLERANCE)
        for k_, t_, d_ in zip(k, t, d, strict=True):
            rows.append({"constraint": "Demand-shortfall",
                         "target": pm.sets.demands["demand"].iat[d_], "kind": "demand",
                         "priority": None, "scenario": pm.sets.scenarios[k_],
                         "year": int(pm.sets.years[t_]), "violation": float(short[k_, t_, d_]),
                         "limit": None, "required_limit": None})
    return pd.DataFrame(rows, columns=COLUMNS)


def _message(table: pd.DataFrame, complete: bool) -> str:
    if table.empty:
        return "infeasible" if complete else "infeasible (the relaxation did not finish)"
    parts = []
    targets = table[table["kind"] != "demand"]
    for name, rows in targets.groupby("target", sort=True):
        worst = rows.loc[(rows["required_limit"] - rows["limit"]).abs().idxmax()]
        parts.append(f"{name} (limit {worst['limit']:.3g} -> {worst['required_limit']:.3g})")
    demands = sorted(set(table.loc[table["kind"] == "demand", "target"]))
    text = "infeasible: "
    if parts:
        text += "these targets cannot all hold: " + ", ".join(parts)
    if demands:
        text += ("; " if parts else "") + "demand cannot be met even without targets: " + \
            ", ".join(demands)
    return text
