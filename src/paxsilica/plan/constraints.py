"""Constraints of the planning model, one ``add_*`` per family (x = ``Supply``).

* ``Project-build-once``: Σ_y b[p, y] ≤ 1;
* ``Project-capacity``: x[k, t, p] ≤ capacity × available[k, t] × Σ_{y ≤ t − lead} b[p, y]
  (source capacity is the upper bound of x);
* ``Stockpile-drawdown``: Σ_t x[k, t, s] ≤ level_s (per scenario);
* ``Item-balance``: Σ_{suppliers of i} x[k, t, ·] + Σ_{demands of i} u[k, t, ·]
  + h[k, t−1, i] − h[k, t, i] = Σ_{demands of i} demand[t, ·] + Σ_{chained s} A[i, item s] x[k, t, s]
  (every item of the problem; inputs and carried stock only with a chain or inventory);
* ``Shortfall-pro-rata``: u[k, t, d] ≤ demand[t, d] · σ[k, t, group of d];
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
from paxsilica.plan.variables import shortfall_groups

__all__ = ["add_build_once", "add_demand_balance", "add_domestic_links",
           "add_project_capacity", "add_shortfall_rule", "add_stock_drawdown",
           "balance_terms", "padded_terms", "suppliers_of"]


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


def padded_terms(groups: np.ndarray, members: np.ndarray, coeffs: np.ndarray,
                 n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """(n_groups, width) member positions and their coefficients (-1 and 0 for padding).

    >>> idx, c = padded_terms(np.array([1, 0, 1]), np.array([7, 8, 9]), np.array([1., 2., 3.]), 2)
    >>> idx.tolist(), c.tolist()
    ([[8, -1], [7, 9]], [[2.0, 0.0], [1.0, 3.0]])
    """
    order = padded(groups, np.arange(len(groups)), n_groups)
    safe = np.clip(order, 0, None)
    index = np.where(order >= 0, np.asarray(members, dtype=np.int64)[safe] if len(groups)
                     else -1, -1)
    weight = np.where(order >= 0, np.asarray(coeffs, dtype=float)[safe] if len(groups)
                      else 0.0, 0.0)
    return index, weight


def balance_terms(sets: PlanSets) -> tuple[np.ndarray, np.ndarray]:
    """(item, width) supplier positions and coefficients of the balance: +1 for each
    supplier of the item, −A[item, output] for each chained supplier using it as input."""
    codes = sets.items.get_indexer(sets.suppliers["item"])
    groups, members, coeffs = [codes], [np.arange(len(codes))], [np.ones(len(codes))]
    use = sets.input_use()  # (item, supplier)
    i, s = np.nonzero(use)
    groups.append(i)
    members.append(s)
    coeffs.append(-use[i, s])
    return padded_terms(np.concatenate(groups), np.concatenate(members),
                        np.concatenate(coeffs), len(sets.items))


def add_demand_balance(m: linopy.Model, sets: PlanSets, supply: linopy.Variable,
                       unmet: linopy.Variable | None,
                       inventory: linopy.Variable | None = None) -> None:
    """``Item-balance``: for every item, supply + unmet + stock drawn = coalition demand +
    inputs used by chained producers + stock added (h[t−1] − h[t]; h[−1] = initial)."""
    n_k, n_t, n_i = len(sets.scenarios), len(sets.years), len(sets.items)
    index, weight = balance_terms(sets)
    parts = [gather(supply.labels.values, index)]
    coeffs = [np.broadcast_to(weight, parts[0].shape)]
    if unmet is not None:
        short = gather(unmet.labels.values, suppliers_of(sets, sets.demands["item"], sets.items))
        parts.append(short)
        coeffs.append(np.ones(short.shape))
    initial = np.zeros(n_i)
    if inventory is not None:
        stock = np.full((n_k, n_t, n_i), -1, dtype=np.int64)
        codes = sets.items.get_indexer(sets.inventory["item"])
        stock[:, :, codes] = inventory.labels.values
        previous = np.concatenate([np.full((n_k, 1, n_i), -1), stock[:, :-1]], axis=1)
        parts.append(np.stack([previous, stock], axis=-1))
        coeffs.append(np.broadcast_to(np.array([1.0, -1.0]), parts[-1].shape))
        initial[codes] = sets.inventory["initial"].to_numpy()
    labels = np.concatenate(parts, axis=-1)
    coeff = np.concatenate(coeffs, axis=-1)
    labels = keep_empty_rows(m, labels)
    # the placeholder of an empty row needs a non-zero coefficient, or linopy drops the row
    coeff = np.concatenate([coeff, np.ones((*coeff.shape[:-1],
                                            labels.shape[-1] - coeff.shape[-1]))], axis=-1)
    coords = {"scenario": sets.scenarios, "year": sets.years, "item": sets.items}
    lhs = expression(m, labels, coeff, ["scenario", "year", "item"], coords)
    rhs = sets.item_demands()
    rhs[0] -= initial
    m.add_constraints(lhs == xr.DataArray(rhs, coords=[sets.years, sets.items]),
                      name="Item-balance")


def add_shortfall_rule(m: linopy.Model, sets: PlanSets, unmet: linopy.Variable | None,
                       share: linopy.Variable | None) -> None:
    """``Shortfall-pro-rata``: u[k, t, d] ≤ demand[t, d] · σ[k, t, group of d]; the
    objective's tie-break lowers each σ (higher classes first), so members who can be
    served from the shared market end up short by the same fraction (see objective)."""
    if unmet is None or share is None:
        return
    _, group = shortfall_groups(sets)
    shares = share.labels.values[:, :, group]  # (k, t, d)
    labels = np.stack([unmet.labels.values, shares], axis=-1)
    coeffs = np.stack([np.ones(unmet.labels.shape),
                       np.broadcast_to(-sets.demand[None], unmet.labels.shape)], axis=-1)
    coords = {"scenario": sets.scenarios, "year": sets.years,
              "demand": pd.Index(sets.demands["demand"], name="demand")}
    lhs = expression(m, labels, coeffs, ["scenario", "year", "demand"], coords)
    m.add_constraints(lhs <= 0, name="Shortfall-pro-rata")


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
