"""Constraints of the planning model, one ``add_*`` per family.

* ``Project-build-once``: Σ_y b[p, y] ≤ 1;
* ``Source-capacity``: Σ_arcs f[k, t, ·] ≤ capacity × available[k, t];
* ``Project-capacity``: Σ_arcs f[k, t, ·] ≤ capacity × available[k, t] × Σ_{y ≤ t − lead} b[p, y];
* ``Stockpile-drawdown``: Σ_t Σ_arcs f[k, t, ·] ≤ s (per scenario);
* ``Demand-balance``: Σ_arcs f[k, t, ·] + u[k, t, d] = demand[t, d].

Targets are in :mod:`paxsilica.plan.targets`. With ``elastic=True`` a demand shortfall
variable (``Demand-shortfall``) makes the balance always feasible.
"""

from __future__ import annotations

import linopy
import numpy as np
import pandas as pd
import xarray as xr

from paxsilica.plan.sets import PlanSets, padded
from paxsilica.plan.terms import expression, gather, keep_empty_rows

__all__ = ["add_build_once", "add_demand_balance", "add_project_capacity",
           "add_source_capacity", "add_stock_drawdown", "arcs_by"]


def arcs_by(sets: PlanSets, column: str, n_groups: int) -> np.ndarray:
    """(group, width) arc positions per supplier (``supplier_pos``) or demand."""
    return padded(sets.arcs[column].to_numpy(), np.arange(len(sets.arcs)), n_groups)


def add_build_once(m: linopy.Model, sets: PlanSets, build: linopy.Variable | None) -> None:
    """``Project-build-once``: each project is built at most once."""
    if build is not None:
        m.add_constraints(build.sum("build_year") <= 1, name="Project-build-once")


def _kind(sets: PlanSets, kind: str) -> np.ndarray:
    return np.flatnonzero((sets.suppliers["kind"] == kind).to_numpy())


def add_source_capacity(m: linopy.Model, sets: PlanSets, flow: linopy.Variable) -> None:
    """``Source-capacity``: deliveries of an existing source within its available capacity."""
    rows = _kind(sets, "source")
    if rows.size == 0:
        return
    index = arcs_by(sets, "supplier_pos", len(sets.suppliers))[rows]
    labels = gather(flow.labels.values, index)
    coords = {"scenario": sets.scenarios, "year": sets.years,
              "source": pd.Index(sets.suppliers["supplier"].to_numpy()[rows], name="source")}
    lhs = expression(m, labels, np.ones(1), ["scenario", "year", "source"], coords)
    capacity = sets.suppliers["capacity"].to_numpy()[rows] * sets.available[:, :, rows]
    rhs = xr.DataArray(capacity, coords=[coords["scenario"], coords["year"], coords["source"]])
    m.add_constraints(lhs <= rhs, name="Source-capacity")


def add_project_capacity(m: linopy.Model, sets: PlanSets, flow: linopy.Variable,
                         build: linopy.Variable | None) -> None:
    """``Project-capacity``: deliveries of a project only once built and online."""
    if build is None:
        return
    rows = _kind(sets, "project")
    index = arcs_by(sets, "supplier_pos", len(sets.suppliers))[rows]
    flows = gather(flow.labels.values, index)  # (k, t, p, w)
    n_k, n_t, n_p = len(sets.scenarios), len(sets.years), len(rows)
    builds = np.broadcast_to(build.labels.values[None, None, :, :],
                             (n_k, n_t, n_p, len(sets.years)))  # (k, t, p, y)
    online = sets.online().transpose(2, 0, 1)  # (t, p, y)
    capacity = sets.projects["capacity"].to_numpy()
    available = sets.available[:, :, rows]  # (k, t, p)
    build_coeffs = -capacity[None, None, :, None] * available[..., None] * online[None]
    builds = np.where(build_coeffs != 0, builds, -1)
    labels = np.concatenate([flows, builds], axis=-1)
    coeffs = np.concatenate([np.ones(flows.shape), build_coeffs], axis=-1)
    coords = {"scenario": sets.scenarios, "year": sets.years,
              "project": pd.Index(sets.projects["supplier"], name="project")}
    lhs = expression(m, labels, coeffs, ["scenario", "year", "project"], coords)
    m.add_constraints(lhs <= 0, name="Project-capacity")


def add_stock_drawdown(m: linopy.Model, sets: PlanSets, flow: linopy.Variable,
                       level: linopy.Variable | None) -> None:
    """``Stockpile-drawdown``: a scenario draws at most the stock held, over all years."""
    if level is None:
        return
    rows = _kind(sets, "stockpile")
    index = arcs_by(sets, "supplier_pos", len(sets.suppliers))[rows]  # (s, w)
    labels = gather(flow.labels.values, index)  # (k, t, s, w)
    labels = labels.transpose(0, 2, 1, 3).reshape(len(sets.scenarios), len(rows), -1)
    n_k = len(sets.scenarios)
    stock = np.broadcast_to(level.labels.values[None, :, None], (n_k, len(rows), 1))
    coeffs = np.concatenate([np.ones(labels.shape), -np.ones(stock.shape)], axis=-1)
    coords = {"scenario": sets.scenarios,
              "stockpile": pd.Index(sets.suppliers["supplier"].to_numpy()[rows],
                                    name="stockpile")}
    lhs = expression(m, np.concatenate([labels, stock], axis=-1), coeffs,
                     ["scenario", "stockpile"], coords)
    m.add_constraints(lhs <= 0, name="Stockpile-drawdown")


def add_demand_balance(m: linopy.Model, sets: PlanSets, flow: linopy.Variable,
                       unmet: linopy.Variable | None, *, elastic: bool = False) -> None:
    """``Demand-balance``: deliveries plus unmet demand equal demand, in every scenario."""
    index = arcs_by(sets, "demand_pos", len(sets.demands))
    labels = gather(flow.labels.values, index)  # (k, t, d, w)
    extra = unmet
    if extra is None and elastic:
        demands = pd.Index(sets.demands["demand"], name="demand")
        extra = m.add_variables(lower=0, coords=[sets.scenarios, sets.years, demands],
                                name="Demand-shortfall")
    if extra is not None:
        labels = np.concatenate([labels, extra.labels.values[..., None]], axis=-1)
    coords = {"scenario": sets.scenarios, "year": sets.years,
              "demand": pd.Index(sets.demands["demand"], name="demand")}
    labels = keep_empty_rows(m, labels)
    lhs = expression(m, labels, np.ones(1), ["scenario", "year", "demand"], coords)
    rhs = xr.DataArray(sets.demand, coords=[coords["year"], coords["demand"]])
    m.add_constraints(lhs == rhs, name="Demand-balance")
