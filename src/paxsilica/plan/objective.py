"""Objectives: discounted expected cost, or (elastic) the total target slack.

cost = Σ_t δ_t [Σ_p capex_p b[p, t] + Σ_k w_k (Σ_s cost_s · x[k, t, s]
                 + Σ_d penalty[k, item d] · u[k, t, d] + Σ_i hold_i · h[k, t, i])]
       + Σ_s level_s (cost_s + holding_cost_s Σ_t δ_t)

δ_t = (1 + discount_rate)^−(t − first year); w_k the scenario probability. Stockpiles
are bought in the first year (δ = 1) and held over the whole horizon.
"""

from __future__ import annotations

import linopy
import numpy as np
import xarray as xr

from paxsilica.plan.sets import PlanSets
from paxsilica.plan.terms import expression

__all__ = ["TIE_BREAK", "add_cost_objective", "add_slack_objective", "cost_terms",
           "priority_term", "tie_break_value"]


def cost_terms(m: linopy.Model, sets: PlanSets) -> list[linopy.LinearExpression]:
    """The parts of the cost, each a linopy expression (capex, flows, unmet, stock)."""
    terms = []
    if "Project-build" in m.variables:
        build = m.variables["Project-build"]
        capex = sets.projects["capex"].to_numpy()[:, None] * sets.discount[None, :]
        terms.append(expression(m, build.labels.values, capex, ["project"],
                                {"project": build.indexes["project"]}).sum())
    supply = m.variables["Supply"]
    cost = sets.suppliers["cost"].to_numpy()[None, None, :] * (
        sets.weights[:, None, None] * sets.discount[None, :, None])
    terms.append((supply * xr.DataArray(cost, coords=supply.labels.coords)).sum())
    if "Unmet" in m.variables:
        penalty = np.nan_to_num(sets.penalty[:, sets.items.get_indexer(sets.demands["item"])])
        unmet = m.variables["Unmet"]
        per_unit = penalty[:, None, :] * (sets.weights[:, None, None] * sets.discount[None, :, None])
        terms.append((unmet * xr.DataArray(per_unit, coords=unmet.labels.coords)).sum())
    if "Inventory-level" in m.variables:
        level = m.variables["Inventory-level"]
        hold = sets.inventory["holding_cost"].to_numpy()[None, None, :] * (
            sets.weights[:, None, None] * sets.discount[None, :, None])
        terms.append((level * xr.DataArray(hold, coords=level.labels.coords)).sum())
    if "Stockpile-level" in m.variables:
        piles = sets.suppliers[sets.suppliers["kind"] == "stockpile"]
        problem = {s.id: s for s in sets.problem.stockpiles}
        per_unit = np.array([problem[i].cost + problem[i].holding_cost * sets.discount.sum()
                             for i in piles["supplier"]])
        level = m.variables["Stockpile-level"]
        terms.append((level * xr.DataArray(per_unit, coords=level.labels.coords)).sum())
    return terms


TIE_BREAK = 1e-6
"""Relative extra cost of a unit unmet per priority class above 0: steers a shortfall to
lower classes first without changing what the plan costs (subtracted from the objective)."""


def priority_term(m: linopy.Model, sets: PlanSets) -> linopy.LinearExpression | None:
    """Tie-break: TIE_BREAK × penalty × class per unit unmet (None without priorities)."""
    rank = sets.demands["priority"].to_numpy(dtype=float)
    if "Unmet" not in m.variables or not rank.any():
        return None
    penalty = np.nan_to_num(sets.penalty[:, sets.items.get_indexer(sets.demands["item"])])
    unmet = m.variables["Unmet"]
    per_unit = TIE_BREAK * penalty[:, None, :] * rank[None, None, :] * np.ones(
        (1, len(sets.years), 1))
    return (unmet * xr.DataArray(per_unit, coords=unmet.labels.coords)).sum()


def add_cost_objective(m: linopy.Model, sets: PlanSets) -> None:
    """Minimise the discounted expected cost (plus the priority tie-break, if any)."""
    terms = cost_terms(m, sets)
    tie = priority_term(m, sets)
    if tie is not None:
        terms.append(tie)
    m.add_objective(sum(terms[1:], terms[0]))


def tie_break_value(m: linopy.Model, sets: PlanSets) -> float:
    """Value of the priority tie-break at the solution (0 without priorities)."""
    tie = priority_term(m, sets)
    return 0.0 if tie is None else float(np.nansum(tie.solution.values))


def add_slack_objective(m: linopy.Model) -> None:
    """Minimise total slack and demand shortfall (the elastic relaxation)."""
    names = [n for n in m.variables if n.endswith("-slack") or n == "Demand-shortfall"]
    if not names:
        m.add_objective(m.variables["Supply"].sum() * 0)
        return
    parts = [m.variables[n].sum() for n in names]
    m.add_objective(sum(parts[1:], parts[0]))
