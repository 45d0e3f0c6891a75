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

from paxsilica.plan.model import PlanModel

__all__ = ["PlanResult", "builds_table", "flows_table", "targets_table", "unmet_table"]

TOLERANCE = 1e-7


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

    def to_dict(self) -> dict[str, object]:
        """JSON-ready answer (lists of records)."""
        def records(frame: pd.DataFrame) -> list[dict[str, object]]:
            clean = frame.astype(object).where(frame.notna(), None)
            return [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
                    for row in clean.to_dict("records")]
        return {"status": self.status, "objective": self.objective, "mip_gap": self.mip_gap,
                "message": self.message,
                "dual_convention": "cost of tightening the limit by one unit (1.0 = 100 "
                                   "points of share), discounted expected cost",
                "builds": records(self.builds), "flows": records(self.flows),
                "unmet": records(self.unmet), "targets": records(self.targets),
                "projects_not_built": records(self.projects_not_built),
                "conflicts": records(self.conflicts), "stockpiles": records(self.stockpiles),
                "timings": self.timings}


def builds_table(pm: PlanModel, values: np.ndarray | None) -> pd.DataFrame:
    """One row per project built: year, capacity, capex and capex by partner (ISO3)."""
    columns = ["project", "year", "online_from", "item", "country", "capacity", "capex",
               "cost_shares"]
    if values is None:
        return pd.DataFrame(columns=columns)
    p, y = np.nonzero(values > 0.5)
    projects = pm.sets.projects.iloc[p]
    partners = {q.id: (q.partners or {q.country: 1.0}) for q in pm.sets.problem.projects}
    frame = pd.DataFrame({
        "project": projects["supplier"].to_numpy(), "year": pm.sets.years.to_numpy()[y],
        "online_from": pm.sets.years.to_numpy()[y] + projects["lead_time"].to_numpy(),
        "item": projects["item"].to_numpy(), "country": projects["country"].to_numpy(),
        "capacity": projects["capacity"].to_numpy(), "capex": projects["capex"].to_numpy()})
    frame["cost_shares"] = [{c: s * capex for c, s in partners[i].items()}
                            for i, capex in zip(frame["project"], frame["capex"], strict=True)]
    return frame[columns]


def _allocate(supply: np.ndarray, need: np.ndarray, home: list[list[int]],
              domestic: list[float], piles: set[int]) -> list[tuple[int, int, float]]:
    """(supplier, demand, quantity) for one scenario, year and item: each tracked demand
    first takes its domestic deliveries (its stockpiles first), then every other supplier's
    output is shared in proportion to the demands still open, so that members get the same
    mix (any split is optimal: costs depend on the supplier only)."""
    left, want, out = supply.copy(), need.copy(), []
    for d, suppliers in enumerate(home):
        quota = domestic[d]
        for s in suppliers:
            q = min(left[s], quota, want[d]) if s not in piles else min(left[s], want[d])
            if q > TOLERANCE:
                out.append((s, d, q))
                left[s] -= q
                want[d] -= q
                quota = max(quota - q, 0.0)
    order = np.array([i for i in range(len(left)) if i not in piles], dtype=int)
    rest, needs = np.clip(left[order], 0, None), np.clip(want, 0, None)
    if rest.sum() > TOLERANCE and needs.sum() > TOLERANCE:
        shares = np.outer(rest, needs) / max(needs.sum(), rest.sum())
        for s, d in zip(*np.nonzero(shares > TOLERANCE), strict=True):
            out.append((int(order[s]), int(d), float(shares[s, d])))
    return out


def flows_table(pm: PlanModel, supply: np.ndarray | None, unmet: np.ndarray | None = None,
                domestic: np.ndarray | None = None) -> pd.DataFrame:
    """Flows f[scenario, year, supplier → member] consistent with the solved supplies.

    Columns: scenario, year, source (supplier id), country, member, item, quantity, cost.
    """
    sets = pm.sets
    columns = ["scenario", "year", "source", "country", "member", "item", "quantity", "cost"]
    if supply is None:
        return pd.DataFrame(columns=columns)
    need = np.broadcast_to(sets.demand[None], supply.shape[:2] + sets.demand.shape[1:])
    need = need - (unmet if unmet is not None else 0.0)
    tracked = dict(zip(sets.domestic["position"], range(len(sets.domestic)), strict=True))
    suppliers, demands = sets.suppliers, sets.demands
    rows = []
    for item in sorted(set(demands["item"])):
        s_pos = np.flatnonzero((suppliers["item"] == item).to_numpy())
        d_pos = np.flatnonzero((demands["item"] == item).to_numpy())
        kinds = suppliers["kind"].to_numpy()[s_pos]
        countries = suppliers["country"].to_numpy()[s_pos]
        piles = {i for i in range(len(s_pos)) if kinds[i] == "stockpile"}
        home = [sorted((i for i in range(len(s_pos)) if countries[i] == demands["member"].iat[d]
                        and d in tracked), key=lambda i: i not in piles) for d in d_pos]
        for k in range(supply.shape[0]):
            for t in range(supply.shape[1]):
                quota = [domestic[k, t, tracked[d]] if d in tracked and domestic is not None
                         else 0.0 for d in d_pos]
                for s, d, q in _allocate(supply[k, t, s_pos], need[k, t, d_pos], home, quota,
                                         piles):
                    rows.append((k, t, s_pos[s], d_pos[d], q))
    if not rows:
        return pd.DataFrame(columns=columns)
    k, t, s, d, q = (np.array(c) for c in zip(*rows, strict=True))
    return pd.DataFrame({
        "scenario": sets.scenarios.to_numpy()[k], "year": sets.years.to_numpy()[t],
        "source": suppliers["supplier"].to_numpy()[s], "country": suppliers["country"].to_numpy()[s],
        "member": demands["member"].to_numpy()[d], "item": demands["item"].to_numpy()[d],
        "quantity": q, "cost": suppliers["cost"].to_numpy()[s]})


def stockpiles_table(pm: PlanModel, levels: np.ndarray | None) -> pd.DataFrame:
    """Stock bought per stockpile and what it costs (purchase plus discounted holding)."""
    columns = ["stockpile", "member", "item", "level", "cost"]
    if levels is None:
        return pd.DataFrame(columns=columns)
    piles = pm.sets.problem.stockpiles
    per_unit = np.array([p.cost + p.holding_cost * pm.sets.discount.sum() for p in piles])
    return pd.DataFrame({"stockpile": [p.id for p in piles], "member": [p.member for p in piles],
                         "item": [p.item for p in piles], "level": levels,
                         "cost": levels * per_unit})


def unmet_table(pm: PlanModel, values: np.ndarray | None) -> pd.DataFrame:
    """Non-zero unmet demand: scenario, year, member, item, quantity."""
    columns = ["scenario", "year", "member", "item", "quantity"]
    if values is None:
        return pd.DataFrame(columns=columns)
    k, t, d = np.nonzero(values > TOLERANCE)
    demands = pm.sets.demands.iloc[d]
    return pd.DataFrame({"scenario": pm.sets.scenarios.to_numpy()[k],
                         "year": pm.sets.years.to_numpy()[t],
                         "member": demands["member"].to_numpy(),
                         "item": demands["item"].to_numpy(), "quantity": values[k, t, d]})


def targets_table(pm: PlanModel, values: dict[str, np.ndarray],
                  duals: dict[str, np.ndarray] | None) -> pd.DataFrame:
    """One row per target, scenario and year in its window: value, limit and dual."""
    frames = []
    for rows in pm.targets:
        lhs = values[rows.name]
        if not rows.per_scenario:
            lhs = lhs[None]
        with np.errstate(divide="ignore", invalid="ignore"):
            share = (lhs + rows.offset[None]) / rows.scale[None]
        if duals is not None:
            dual = duals[rows.name] if rows.per_scenario else duals[rows.name][None]
            dual = np.nan_to_num(dual) * rows.scale[None] * (-1 if rows.sense == "<=" else 1)
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
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
