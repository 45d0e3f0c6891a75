"""Answers read from a solved model: builds, flows, unmet demand, targets and duals.

Duals are reported as the **cost of tightening the limit by one unit** (a unit of a
share limit is 1.0, i.e. 100 percentage points; divide by 100 for one point), in
discounted expected cost: positive when tightening costs money. For a
``max_*`` target tightening lowers the limit; for a ``min_*`` target it raises it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from paxsilica.plan.flows import TOLERANCE, split_flows
from paxsilica.plan.model import PlanModel

__all__ = ["PlanResult", "builds_table", "flows_tables", "inventory_table", "production_table",
           "shortfall_rule", "stockpiles_table", "targets_table", "unmet_table"]


def _frame(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(columns=columns)


@dataclass(eq=False)
class PlanResult:
    """The solved plan. Tables are empty when the problem has no solution."""

    status: str
    """``optimal``, ``infeasible`` or ``time_limit``."""
    objective: float | None
    builds: pd.DataFrame
    flows: pd.DataFrame
    unmet: pd.DataFrame
    targets: pd.DataFrame
    projects_not_built: pd.DataFrame
    conflicts: pd.DataFrame = field(default_factory=pd.DataFrame)
    stockpiles: pd.DataFrame = field(default_factory=pd.DataFrame)
    """stockpile, member, item, level (bought in the first year), cost (its total cost)."""
    mip_gap: float | None = None
    timings: dict[str, float] = field(default_factory=dict)
    message: str = ""
    uses: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Deliveries to chained producers (inputs) and to carried stock (``user`` ``stock``)."""
    production: pd.DataFrame = field(default_factory=pd.DataFrame)
    """What each supplier delivers: scenario, year, supplier, kind, item, country, quantity,
    cost (per unit)."""
    inventory: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Carried stock at the end of each year: scenario, year, item, level."""
    stockpile_rules: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Per stockpile: level, release per year, trigger, and draws per scenario."""
    values: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Per build and stockpile: cost, expected loss avoided, loss avoided per unit cost."""
    scenarios: pd.DataFrame = field(default_factory=pd.DataFrame)
    """The scenarios solved: name, probability, origin (file, simulator)."""
    shortfall_rule: str = ""
    warnings: list[str] = field(default_factory=list)

    TABLES = ("builds", "flows", "uses", "production", "unmet", "targets",
              "projects_not_built", "conflicts", "stockpiles", "stockpile_rules",
              "inventory", "values", "scenarios")

    def to_dict(self) -> dict[str, object]:
        """JSON-ready answer (lists of records)."""
        def records(frame: pd.DataFrame) -> list[dict[str, object]]:
            clean = frame.astype(object).where(frame.notna(), None)
            return [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
                    for row in clean.to_dict("records")]
        answer: dict[str, object] = {
            "status": self.status, "objective": self.objective, "mip_gap": self.mip_gap,
            "message": self.message, "warnings": list(self.warnings),
            "shortfall_rule": self.shortfall_rule,
            "dual_convention": "cost of tightening the limit by one unit (1.0 = 100 "
                               "points of share), discounted expected cost"}
        answer.update({name: records(getattr(self, name)) for name in self.TABLES})
        answer["timings"] = self.timings
        return answer


def builds_table(pm: PlanModel, values: np.ndarray | None) -> pd.DataFrame:
    """One row per project built: year, capacity, capex and capex by partner (ISO3)."""
    columns = ["project", "year", "online_from", "item", "country", "kind", "capacity", "capex",
               "cost_shares"]
    if values is None:
        return _frame(columns)
    p, y = np.nonzero(values > 0.5)
    projects = pm.sets.projects.iloc[p]
    partners = {q.id: (q.partners or {q.country: 1.0}) for q in pm.sets.problem.projects}
    frame = pd.DataFrame({
        "project": projects["supplier"].to_numpy(), "year": pm.sets.years.to_numpy()[y],
        "online_from": pm.sets.years.to_numpy()[y] + projects["lead_time"].to_numpy(),
        "item": projects["item"].to_numpy(), "country": projects["country"].to_numpy(),
        "kind": np.where(projects["recycling"].to_numpy(), "recycling", "primary"),
        "capacity": projects["capacity"].to_numpy(), "capex": projects["capex"].to_numpy()})
    frame["cost_shares"] = [{c: s * capex for c, s in partners[i].items()}
                            for i, capex in zip(frame["project"], frame["capex"], strict=True)]
    return frame[columns]


def flows_tables(pm: PlanModel, supply: np.ndarray | None, unmet: np.ndarray | None = None,
                 domestic: np.ndarray | None = None,
                 levels: np.ndarray | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Flows to members and uses (inputs, stock) consistent with the solved supplies."""
    if supply is None:
        return (_frame(["scenario", "year", "source", "country", "member", "item", "quantity",
                        "cost"]),
                _frame(["scenario", "year", "source", "country", "user", "item", "quantity",
                        "cost"]))
    return split_flows(pm.sets, supply, unmet, domestic, levels)


def production_table(pm: PlanModel, supply: np.ndarray | None) -> pd.DataFrame:
    """Non-zero deliveries per supplier, scenario and year (quantity; cost per unit)."""
    columns = ["scenario", "year", "supplier", "kind", "item", "country", "quantity", "cost"]
    if supply is None:
        return _frame(columns)
    k, t, s = np.nonzero(supply > TOLERANCE)
    suppliers = pm.sets.suppliers.iloc[s]
    return pd.DataFrame({"scenario": pm.sets.scenarios.to_numpy()[k],
                         "year": pm.sets.years.to_numpy()[t],
                         "supplier": suppliers["supplier"].to_numpy(),
                         "kind": suppliers["kind"].to_numpy(), "item": suppliers["item"].to_numpy(),
                         "country": suppliers["country"].to_numpy(), "quantity": supply[k, t, s],
                         "cost": suppliers["cost"].to_numpy().astype(float)})


def inventory_table(pm: PlanModel, levels: np.ndarray | None) -> pd.DataFrame:
    """Carried stock at the end of each year (non-zero levels)."""
    columns = ["scenario", "year", "item", "level"]
    if levels is None:
        return _frame(columns)
    k, t, i = np.nonzero(levels > TOLERANCE)
    items = pm.sets.inventory["item"].to_numpy()
    return pd.DataFrame({"scenario": pm.sets.scenarios.to_numpy()[k],
                         "year": pm.sets.years.to_numpy()[t], "item": items[i],
                         "level": levels[k, t, i]})


def stockpiles_table(pm: PlanModel, levels: np.ndarray | None) -> pd.DataFrame:
    """Stock bought per stockpile and what it costs (purchase plus discounted holding)."""
    columns = ["stockpile", "member", "item", "level", "cost"]
    if levels is None:
        return _frame(columns)
    piles = pm.sets.problem.stockpiles
    per_unit = np.array([p.cost + p.holding_cost * pm.sets.discount.sum() for p in piles])
    return pd.DataFrame({"stockpile": [p.id for p in piles], "member": [p.member for p in piles],
                         "item": [p.item for p in piles], "level": levels,
                         "cost": levels * per_unit})


def shortfall_rule(pm: PlanModel) -> str:
    """The rule that shared unmet demand, in words."""
    priorities = pm.sets.problem.shortfall.priorities
    text = ("pro rata to demand: in each scenario, year and item the members served from "
            "the shared market are short by the same fraction of their demand (a member's "
            "own reserve serves only it, so it may be short by less)")
    if any(priorities.values()):
        classes = ", ".join(f"{m} {p}" for m, p in sorted(priorities.items()))
        text += (f"; priority classes ({classes}; others 0): a higher class is served first, "
                 "lower classes bear a shortfall before it")
    return text


def unmet_table(pm: PlanModel, values: np.ndarray | None) -> pd.DataFrame:
    """Non-zero unmet demand: scenario, year, member, item, quantity, demand, share (of the
    member's demand), priority (shortfall class)."""
    columns = ["scenario", "year", "member", "item", "quantity", "demand", "share", "priority"]
    if values is None:
        return _frame(columns)
    k, t, d = np.nonzero(values > TOLERANCE)
    demands = pm.sets.demands.iloc[d]
    demand = pm.sets.demand[t, d]
    return pd.DataFrame({"scenario": pm.sets.scenarios.to_numpy()[k],
                         "year": pm.sets.years.to_numpy()[t],
                         "member": demands["member"].to_numpy(),
                         "item": demands["item"].to_numpy(), "quantity": values[k, t, d],
                         "demand": demand, "share": values[k, t, d] / demand,
                         "priority": demands["priority"].to_numpy()})


def _use(pm: PlanModel, supply: np.ndarray | None) -> np.ndarray | None:
    """(scenario, year, item) consumed as recipe inputs by chained producers."""
    if supply is None or not pm.sets.chained:
        return None
    return supply @ pm.sets.input_use().T


def targets_table(pm: PlanModel, values: dict[str, np.ndarray],
                  duals: dict[str, np.ndarray] | None,
                  supply: np.ndarray | None = None) -> pd.DataFrame:
    """One row per target, scenario and year in its window: value, limit and dual."""
    frames = []
    use = _use(pm, supply)
    for rows in pm.targets:
        lhs = values[rows.name]
        if not rows.per_scenario:
            lhs = lhs[None]
        scale = np.broadcast_to(rows.scale[None], lhs.shape)
        if rows.use_item is not None and use is not None:
            extra = use[:, :, rows.use_item]  # (k, t, g)
            lhs = lhs + rows.groups["limit"].to_numpy()[None, None, :] * extra
            scale = scale + extra
        with np.errstate(divide="ignore", invalid="ignore"):
            share = (lhs + rows.offset[None]) / scale
        if duals is not None:
            dual = duals[rows.name] if rows.per_scenario else duals[rows.name][None]
            dual = np.nan_to_num(dual) * scale * (-1 if rows.sense == "<=" else 1)
        else:
            dual = np.full(share.shape, np.nan)
        scenarios = pm.sets.scenarios.to_numpy() if rows.per_scenario else np.array(["all"])
        k, t, g = np.nonzero(np.broadcast_to(rows.window[None], share.shape))
        groups = rows.groups.iloc[g]
        frames.append(pd.DataFrame({
            "target": groups["target"].to_numpy(), "kind": groups["kind"].to_numpy(),
            "item": groups["item"].to_numpy(), "member": groups["member"].to_numpy(),
            "country": groups["country"].to_numpy(), "scenario": scenarios[k],
            "year": pm.sets.years.to_numpy()[t], "value": share[k, t, g],
            "limit": groups["limit"].to_numpy(), "dual": dual[k, t, g]}))
    columns = ["target", "kind", "item", "member", "country", "scenario", "year", "value",
               "limit", "dual"]
    return pd.concat(frames, ignore_index=True) if frames else _frame(columns)
