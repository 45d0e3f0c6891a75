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
import pandas as pd
import xarray as xr

from paxsilica.plan.sets import PlanSets
from paxsilica.plan.targets import TargetRows
from paxsilica.plan.terms import expression
from paxsilica.plan.variables import shortfall_groups

__all__ = ["TIE_BREAK", "add_cost_objective", "add_slack_objective", "cost_terms",
           "priority_term", "tie_break_value"]


def cost_terms(m: linopy.Model, sets: PlanSets,
               targets: list[TargetRows] | None = None) -> list[linopy.LinearExpression]:
    """The parts of the cost, each a linopy expression (capex, flows, unmet, stock, held
    inventory, soft targets missed)."""
    terms = []
    for rows in targets or []:
        if rows.missed is None:
            continue
        missed = m.variables[rows.missed]
        weight = np.nan_to_num(rows.penalty)[None, :] * sets.discount[:, None]  # (t, g)
        if rows.per_scenario:
            weight = sets.weights[:, None, None] * weight[None]
        terms.append((missed * xr.DataArray(weight, coords=missed.labels.coords)).sum())
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
"""Weight of the shortfall rule's tie-break relative to the cost of the unmet demand it
orders. Who bears a shortfall does not change what the plan costs (costs depend on the
supplier only), so the rule is a tie-break, subtracted from the reported objective."""


def priority_term(m: linopy.Model, sets: PlanSets) -> linopy.LinearExpression | None:
    """Tie-break on the shortfall fractions σ[k, t, group]:
    TIE_BREAK × (class + 1) × penalty × demand of the group × w_k δ_t per unit of σ.
    Minimising it gives the smallest largest fraction short in each class (members who
    can be served from the market are short by the same fraction: pro rata), and moving a
    unit of shortfall from a higher class to a lower one always lowers it (higher classes
    are served first)."""
    if "Shortfall-share" not in m.variables:
        return None
    share = m.variables["Shortfall-share"]
    groups, group = shortfall_groups(sets)
    demand = np.zeros((len(sets.years), len(groups)))
    np.add.at(demand.T, group, sets.demand.T)
    first = pd.Series(range(len(group))).groupby(group).first().reindex(range(len(groups)))
    rank = sets.demands["priority"].to_numpy(dtype=float)[first.to_numpy()]
    items = sets.items.get_indexer(sets.demands["item"].to_numpy()[first.to_numpy()])
    penalty = np.nan_to_num(sets.penalty[:, items])  # (k, g)
    weight = (TIE_BREAK * (rank + 1.0)[None, None, :] * demand[None] * penalty[:, None, :]
              * sets.weights[:, None, None] * sets.discount[None, :, None])
    return (share * xr.DataArray(weight, coords=share.labels.coords)).sum()


def add_cost_objective(m: linopy.Model, sets: PlanSets,
                       targets: list[TargetRows] | None = None) -> None:
    """Minimise the discounted expected cost (plus the priority tie-break, if any)."""
    terms = cost_terms(m, sets, targets)
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
