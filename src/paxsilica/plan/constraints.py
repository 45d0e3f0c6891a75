"""Constraints of the planning model, one ``add_*`` per family (x = ``Supply``).

* ``Project-build-once``: Σ_y b[p, y] ≤ 1;
* ``Project-capacity``: x[k, t, p] ≤ capacity × available[k, t] × Σ_{y ≤ t − lead} b[p, y]
  (source capacity is the upper bound of x);
* ``Stockpile-drawdown``: Σ_t x[k, t, s] ≤ level_s (per scenario);
* ``Item-balance``: Σ_{suppliers of i} x[k, t, ·] + Σ_{demands of i} u[k, t, ·] =
  Σ_{demands of i} demand[t, ·];
* ``Domestic-within-demand``: g[k, t, d] + u[k, t, d] ≤ demand[t, d];
* ``Domestic-within-supply``: g[k, t, d] ≤ Σ_{suppliers of the item in the member} x;
* ``Stockpile-to-holder``: Σ_{stockpiles held for d} x ≤ g[k, t, d] (draws serve the holder).

Targets are in :mod:`paxsilica.plan.targets`. With ``elastic=True`` a demand shortfall
(``Demand-shortfall``, like unmet demand) keeps the balance feasible.
"""

from __future__ import annotations

import linopy
import numpy as np
import pandas as pd
import xarray as xr

from paxsilica.plan.sets import PlanSets, padded
from paxsilica.plan.terms import expression, gather, keep_empty_rows

__all__ = ["add_build_once", "add_demand_balance", "add_domestic_links",
           "add_project_capacity", "add_stock_drawdown", "suppliers_of"]


def suppliers_of(sets: PlanSets, keys: pd.Series, groups: pd.Index,
                 mask: np.ndarray | None = None) -> np.ndarray:
    """(group, width) supplier positions whose ``keys`` value is each group label."""
    codes = groups.get_indexer(keys)
    keep = codes >= 0 if mask is None else (codes >= 0) & mask
    return padded(codes[keep], np.flatnonzero(keep), len(groups))


def add_build_once(m: linopy.Model, sets: PlanSets, build: linopy.Variable | None) -> None:
    """``Project-build-once``: each project is built at most once."""
    if build is not None and (sets.build_window().sum(axis=1) > 1).any():
        m.add_constraints(build.sum("build_year") <= 1, name="Project-build-once")


def _kind(sets: PlanSets, kind: str) -> np.ndarray:
    return np.flatnonzero((sets.suppliers["kind"] == kind).to_numpy())


def add_project_capacity(m: linopy.Model, sets: PlanSets, supply: linopy.Variable,
                         build: linopy.Variable | None) -> None:
    """``Project-capacity``: a project delivers only once built and online."""
    if build is None:
        return
    rows = _kind(sets, "project")
    n_k, n_t, n_p = len(sets.scenarios), len(sets.years), len(rows)
    delivered = supply.labels.values[:, :, rows, None]  # (k, t, p, 1)
    builds = np.broadcast_to(build.labels.values[None, None], (n_k, n_t, n_p, n_t))
    online = sets.online().transpose(2, 0, 1)  # (t, p, y)
    capacity = sets.projects["capacity"].to_numpy()
    coeffs = -capacity[None, None, :, None] * sets.available[:, :, rows, None] * online[None]
    labels = np.concatenate([delivered, np.where(coeffs != 0, builds, -1)], axis=-1)
    coeffs = np.concatenate([np.ones(delivered.shape), coeffs], axis=-1)
    coords = {"scenario": sets.scenarios, "year": sets.years,
              "project": pd.Index(sets.projects["supplier"], name="project")}
    lhs = expression(m, labels, coeffs, ["scenario", "year", "project"], coords)
    m.add_constraints(lhs <= 0, name="Project-capacity")


def add_stock_drawdown(m: linopy.Model, sets: PlanSets, supply: linopy.Variable,
                       level: linopy.Variable | None) -> None:
    """``Stockpile-drawdown``: a scenario draws at most the stock held, over all years."""
    if level is None:
        return
    rows = _kind(sets, "stockpile")
    draws = supply.labels.values[:, :, rows].transpose(0, 2, 1)  # (k, s, t)
    stock = np.broadcast_to(level.labels.values[None, :, None], (*draws.shape[:2], 1))
    coeffs = np.concatenate([np.ones(draws.shape), -np.ones(stock.shape)], axis=-1)
    coords = {"scenario": sets.scenarios,
              "stockpile": pd.Index(sets.suppliers["supplier"].to_numpy()[rows],
                                    name="stockpile")}
    lhs = expression(m, np.concatenate([draws, stock], axis=-1), coeffs,
                     ["scenario", "stockpile"], coords)
    m.add_constraints(lhs <= 0, name="Stockpile-drawdown")


def add_demand_balance(m: linopy.Model, sets: PlanSets, supply: linopy.Variable,
                       unmet: linopy.Variable | None) -> None:
    """``Item-balance``: deliveries of an item plus unmet demand equal coalition demand."""
    items = pd.Index(sorted(set(sets.demands["item"])), name="item")
    delivered = gather(supply.labels.values, suppliers_of(sets, sets.suppliers["item"], items))
    labels = delivered
    if unmet is not None:
        short = gather(unmet.labels.values, suppliers_of(sets, sets.demands["item"], items))
        labels = np.concatenate([delivered, short], axis=-1)
    labels = keep_empty_rows(m, labels)
    coords = {"scenario": sets.scenarios, "year": sets.years, "item": items}
    lhs = expression(m, labels, np.ones(1), ["scenario", "year", "item"], coords)
    totals = np.stack([sets.item_demand(i) for i in items], axis=1)
    m.add_constraints(lhs == xr.DataArray(totals, coords=[sets.years, items]),
                      name="Item-balance")


def add_domestic_links(m: linopy.Model, sets: PlanSets, supply: linopy.Variable,
                       domestic: linopy.Variable | None, unmet: linopy.Variable | None) -> None:
    """``Domestic-within-demand``, ``Domestic-within-supply`` and ``Stockpile-to-holder``."""
    if domestic is None:
        return
    tracked = sets.domestic
    index = pd.Index(tracked["demand"], name="demand")
    coords = {"scenario": sets.scenarios, "year": sets.years, "demand": index}
    dims = ["scenario", "year", "demand"]
    own = domestic.labels.values[..., None]
    within = own
    if unmet is not None:
        within = np.concatenate([own, unmet.labels.values[:, :, tracked["position"]][..., None]],
                                axis=-1)
    rhs = xr.DataArray(sets.demand[:, tracked["position"]], coords=[sets.years, index])
    m.add_constraints(expression(m, within, np.ones(1), dims, coords) <= rhs,
                      name="Domestic-within-demand")
    keys = sets.suppliers["country"] + "/" + sets.suppliers["item"]
    at_home = gather(supply.labels.values, suppliers_of(sets, keys, index))
    labels = np.concatenate([own, at_home], axis=-1)
    coeffs = np.concatenate([np.ones(own.shape), -np.ones(at_home.shape)], axis=-1)
    m.add_constraints(expression(m, labels, coeffs, dims, coords) <= 0,
                      name="Domestic-within-supply")
    piles = (sets.suppliers["kind"] == "stockpile").to_numpy()
    if piles.any():
        held = gather(supply.labels.values, suppliers_of(sets, keys, index, piles))
        labels = np.concatenate([held, own], axis=-1)
        coeffs = np.concatenate([np.ones(held.shape), -np.ones(own.shape)], axis=-1)
        m.add_constraints(expression(m, labels, coeffs, dims, coords) <= 0,
                          name="Stockpile-to-holder")
