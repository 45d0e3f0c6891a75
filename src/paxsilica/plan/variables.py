"""Decision variables of the planning model, one ``add_*`` per family (named ``Table-attr``).

* ``Project-build`` b[project, build_year] ∈ {0, 1}, only inside each build window;
* ``Supply`` x[scenario, year, supplier] ≥ 0: what a source, project or stockpile
  delivers (item unit per year); bounded by capacity × availability;
* ``Domestic`` g[scenario, year, demand] ≥ 0: deliveries to a tracked demand from its
  member's own country (demands with a ``min_domestic_share`` target or a stockpile);
* ``Unmet`` u[scenario, year, demand], 0 ≤ u ≤ demand, only with an ``unmet_penalty``;
* ``Stockpile-level`` s[stockpile], 0 ≤ s ≤ ``max_quantity`` (bought in the first year);
* ``Shortfall-share`` σ[scenario, year, group] ∈ [0, 1]: unmet ÷ demand, shared by the
  members of an item in one priority class (pro rata);
* ``Inventory-level`` h[scenario, year, item] ≥ 0: pooled stock carried to the next year.

The issue's flows f[k, t, supplier → member] are recovered from x, g and u after the
solve (:func:`paxsilica.plan.results.allocate_flows`); see ``docs/plan.md`` for why the
two models have the same optimum.
"""

from __future__ import annotations

import linopy
import numpy as np
import pandas as pd
import xarray as xr

from paxsilica.plan.sets import PlanSets

__all__ = ["add_builds", "add_domestic", "add_inventory", "add_shortfall_share",
           "add_stock_levels", "add_supply", "add_unmet", "build_years", "project_index",
           "shortfall_groups", "supply_upper"]


def project_index(sets: PlanSets) -> pd.Index:
    return pd.Index(sets.projects["supplier"], name="project")


def build_years(sets: PlanSets) -> pd.Index:
    return pd.Index(sets.years, name="build_year")


def add_builds(m: linopy.Model, sets: PlanSets) -> linopy.Variable | None:
    """``Project-build``: 1 when the project is built in that year (None: no projects)."""
    if sets.projects.empty:
        return None
    coords = [project_index(sets), build_years(sets)]
    mask = xr.DataArray(sets.build_window(), coords=coords)
    return m.add_variables(binary=True, coords=coords, mask=mask, name="Project-build")


def supplier_index(sets: PlanSets) -> pd.Index:
    return pd.Index(sets.suppliers["supplier"], name="supplier")


def supply_upper(sets: PlanSets) -> np.ndarray:
    """(scenario, year, supplier) capacity × availability; a reserve released only in
    disruptions (``release: disruption``) is 0 in the years its item is not cut."""
    upper = sets.suppliers["capacity"].to_numpy()[None, None, :] * sets.available
    rule = {s.id: s.release for s in sets.problem.stockpiles}
    reserve = np.array([rule.get(s) == "disruption" for s in sets.suppliers["supplier"]])
    if reserve.any():
        codes = sets.items.get_indexer(sets.suppliers["item"])
        cut = sets.disrupted()[:, :, codes]
        upper = np.where(reserve[None, None, :] & ~cut, 0.0, upper)
    return upper


def add_supply(m: linopy.Model, sets: PlanSets) -> linopy.Variable:
    """``Supply``: delivered by each supplier, per scenario and year (≤ available capacity)."""
    coords = [sets.scenarios, sets.years, supplier_index(sets)]
    return m.add_variables(lower=0, upper=xr.DataArray(supply_upper(sets), coords=coords),
                           coords=coords, name="Supply")


def add_domestic(m: linopy.Model, sets: PlanSets) -> linopy.Variable | None:
    """``Domestic``: deliveries from the member's own country to a tracked demand."""
    if sets.domestic.empty:
        return None
    index = pd.Index(sets.domestic["demand"], name="demand")
    return m.add_variables(lower=0, coords=[sets.scenarios, sets.years, index], name="Domestic")


def add_unmet(m: linopy.Model, sets: PlanSets, *, name: str = "Unmet",
              always: bool = False) -> linopy.Variable | None:
    """``Unmet``: demand left unserved (only when the problem prices it, or ``always``)."""
    if sets.penalty is None and not always:
        return None
    demands = pd.Index(sets.demands["demand"], name="demand")
    coords = [sets.scenarios, sets.years, demands]
    upper = np.broadcast_to(sets.demand[None], (len(sets.scenarios), *sets.demand.shape))
    if sets.penalty is not None and not always:  # items without a penalty must be met
        priced = np.isfinite(sets.penalty[:, sets.items.get_indexer(sets.demands["item"])])
        upper = upper * priced[:, None, :]
    return m.add_variables(lower=0, upper=xr.DataArray(upper, coords=coords), coords=coords,
                           name=name)


def shortfall_groups(sets: PlanSets) -> tuple[pd.Index, np.ndarray]:
    """Groups sharing a shortfall pro rata (``item@class``) and each demand's group."""
    labels = sets.demands["item"] + "@" + sets.demands["priority"].astype(str)
    groups = pd.Index(sorted(set(labels)), name="group")
    return groups, groups.get_indexer(labels)


def add_shortfall_share(m: linopy.Model, sets: PlanSets,
                        unmet: linopy.Variable | None) -> linopy.Variable | None:
    """``Shortfall-share`` σ[scenario, year, group] in 0-1: the fraction of demand unmet,
    the same for every member of an item's priority class (pro rata to demand)."""
    if unmet is None or unmet.name != "Unmet":
        return None
    groups, _ = shortfall_groups(sets)
    coords = [sets.scenarios, sets.years, groups]
    return m.add_variables(lower=0, upper=1, coords=coords, name="Shortfall-share")


def add_inventory(m: linopy.Model, sets: PlanSets) -> linopy.Variable | None:
    """``Inventory-level`` h[scenario, year, item]: pooled stock at the end of each year."""
    if sets.inventory.empty:
        return None
    index = pd.Index(sets.inventory["item"], name="stock_item")
    coords = [sets.scenarios, sets.years, index]
    upper = np.broadcast_to(sets.inventory["capacity"].to_numpy()[None, None, :],
                            (len(sets.scenarios), len(sets.years), len(index)))
    return m.add_variables(lower=0, upper=xr.DataArray(upper, coords=coords), coords=coords,
                           name="Inventory-level")


def add_stock_levels(m: linopy.Model, sets: PlanSets) -> linopy.Variable | None:
    """``Stockpile-level``: units bought in the first year and held (None: no stockpiles)."""
    piles = sets.suppliers[sets.suppliers["kind"] == "stockpile"]
    if piles.empty:
        return None
    index = pd.Index(piles["supplier"], name="stockpile")
    upper = xr.DataArray(piles["capacity"].to_numpy(), coords=[index])
    return m.add_variables(lower=0, upper=upper, coords=[index], name="Stockpile-level")
