"""Decision variables of the planning model, one ``add_*`` per family (named ``Table-attr``).

* ``Project-build`` b[project, build_year] ∈ {0, 1}, only inside each build window;
* ``Supply`` x[scenario, year, supplier] ≥ 0: what a source, project or stockpile
  delivers (item unit per year); bounded by capacity × availability;
* ``Domestic`` g[scenario, year, demand] ≥ 0: deliveries to a tracked demand from its
  member's own country (demands with a ``min_domestic_share`` target or a stockpile);
* ``Unmet`` u[scenario, year, demand], 0 ≤ u ≤ demand, only with an ``unmet_penalty``;
* ``Stockpile-level`` s[stockpile], 0 ≤ s ≤ ``max_quantity`` (bought in the first year).

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

__all__ = ["add_builds", "add_domestic", "add_stock_levels", "add_supply", "add_unmet",
           "build_years", "project_index"]


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


def add_supply(m: linopy.Model, sets: PlanSets) -> linopy.Variable:
    """``Supply``: delivered by each supplier, per scenario and year (≤ available capacity)."""
    coords = [sets.scenarios, sets.years, supplier_index(sets)]
    upper = sets.suppliers["capacity"].to_numpy()[None, None, :] * sets.available
    return m.add_variables(lower=0, upper=xr.DataArray(upper, coords=coords), coords=coords,
                           name="Supply")


def add_domestic(m: linopy.Model, sets: PlanSets) -> linopy.Variable | None:
    """``Domestic``: deliveries from the member's own country to a tracked demand."""
    if sets.domestic.empty:
        return None
    index = pd.Index(sets.domestic["demand"], name="demand")
    return m.add_variables(lower=0, coords=[sets.scenarios, sets.years, index], name="Domestic")


def add_unmet(m: linopy.Model, sets: PlanSets, *, name: str = "Unmet",
              always: bool = False) -> linopy.Variable | None:
    """``Unmet``: demand left unserved (only when the problem prices it, or ``always``)."""
    if sets.problem.unmet_penalty is None and not always:
        return None
    demands = pd.Index(sets.demands["demand"], name="demand")
    coords = [sets.scenarios, sets.years, demands]
    upper = xr.DataArray(np.broadcast_to(sets.demand[None], (len(sets.scenarios),
                                                             *sets.demand.shape)),
                         coords=coords)
    return m.add_variables(lower=0, upper=upper, coords=coords, name=name)


def add_stock_levels(m: linopy.Model, sets: PlanSets) -> linopy.Variable | None:
    """``Stockpile-level``: units bought in the first year and held (None: no stockpiles)."""
    piles = sets.suppliers[sets.suppliers["kind"] == "stockpile"]
    if piles.empty:
        return None
    index = pd.Index(piles["supplier"], name="stockpile")
    upper = xr.DataArray(piles["capacity"].to_numpy(), coords=[index])
    return m.add_variables(lower=0, upper=upper, coords=[index], name="Stockpile-level")
