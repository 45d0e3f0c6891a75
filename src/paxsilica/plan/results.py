"""Answers read from a solved model: builds, flows, unmet demand, targets and duals.

Duals are reported as the **cost of tightening the limit by one unit** (a unit of a
share limit is 1.0, i.e. 100 percentage points; divide by 100 for one point), in
discounted expected cost: positive when tightening costs money. For a
``max_*`` target tightening lowers the limit; for a ``min_*`` target it raises it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import linopy
import numpy as np
import pandas as pd

from paxsilica.plan.model import PlanModel
from paxsilica.plan.targets import TargetRows

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
                "conflicts": records(self.conflicts), "timings": self.timings}


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


def flows_table(pm: PlanModel, values: np.ndarray) -> pd.DataFrame:
    """Non-zero flows: scenario, year, source (supplier id), member, item, quantity."""
    k, t, a = np.nonzero(values > TOLERANCE)
    arcs = pm.sets.arcs.iloc[a]
    return pd.DataFrame({
        "scenario": pm.sets.scenarios.to_numpy()[k], "year": pm.sets.years.to_numpy()[t],
        "source": arcs["supplier"].to_numpy(), "country": arcs["country"].to_numpy(),
        "member": arcs["member"].to_numpy(), "item": arcs["item"].to_numpy(),
        "quantity": values[k, t, a], "cost": arcs["cost"].to_numpy()})


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


def _lhs_values(m: linopy.Model, rows: TargetRows) -> np.ndarray:
    lhs = m.constraints[rows.name].lhs
    slack = f"{rows.name}-slack"
    values = lhs.solution.values
    if slack in m.variables:  # report the flows, not flows ∓ slack
        sol = m.variables[slack].solution.fillna(0).values
        values = values + sol if rows.sense == "<=" else values - sol
    return values


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
