"""Objectives: discounted expected cost, or (elastic) the total target slack.

cost = Σ_t δ_t [Σ_p capex_p b[p, t] + Σ_k w_k (Σ_s cost_s · x[k, t, s] + penalty · Σ_d u[k, t, d])]
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

__all__ = ["add_cost_objective", "add_slack_objective", "cost_terms"]


def cost_terms(m: linopy.Model, sets: PlanSets) -> list[linopy.LinearExpression]:
    """The parts of the cost, each a linopy expression (capex, flows, unmet, stock)."""
    delta = xr.DataArray(sets.discount, coords=[sets.years])
    weight = xr.DataArray(sets.weights, coords=[sets.scenarios])
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
        terms.append((m.variables["Unmet"] * (sets.problem.unmet_penalty * weight * delta)).sum())
    if "Stockpile-level" in m.variables:
        piles = sets.suppliers[sets.suppliers["kind"] == "stockpile"]
        problem = {s.id: s for s in sets.problem.stockpiles}
        per_unit = np.array([problem[i].cost + problem[i].holding_cost * sets.discount.sum()
                             for i in piles["supplier"]])
        level = m.variables["Stockpile-level"]
        terms.append((level * xr.DataArray(per_unit, coords=level.labels.coords)).sum())
    return terms


def add_cost_objective(m: linopy.Model, sets: PlanSets) -> None:
    """Minimise the discounted expected cost."""
    terms = cost_terms(m, sets)
    m.add_objective(sum(terms[1:], terms[0]))


def add_slack_objective(m: linopy.Model) -> None:
    """Minimise total slack and demand shortfall (the elastic relaxation)."""
    names = [n for n in m.variables if n.endswith("-slack") or n == "Demand-shortfall"]
    if not names:
        m.add_objective(m.variables["Supply"].sum() * 0)
        return
    parts = [m.variables[n].sum() for n in names]
    m.add_objective(sum(parts[1:], parts[0]))
