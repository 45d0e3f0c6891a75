"""Decision variables of the planning model, one ``add_*`` per family (named ``Table-attr``).

* ``Project-build`` b[project, build_year] ∈ {0, 1}, only inside each build window;
* ``Flow`` f[scenario, year, arc] ≥ 0 (item unit per year);
* ``Unmet`` u[scenario, year, demand] ≥ 0, only with an ``unmet_penalty``;
* ``Stockpile-level`` s[stockpile], 0 ≤ s ≤ ``max_quantity`` (bought in the first year).
"""

from __future__ import annotations

import linopy
import pandas as pd
import xarray as xr

from paxsilica.plan.sets import PlanSets

__all__ = ["add_builds", "add_flows", "add_stock_levels", "add_unmet", "build_years",
           "project_index"]


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


def add_flows(m: linopy.Model, sets: PlanSets) -> linopy.Variable:
    """``Flow``: quantity shipped along each arc, per scenario and year."""
    arcs = pd.Index(sets.arcs["arc"], name="arc")
    return m.add_variables(lower=0, coords=[sets.scenarios, sets.years, arcs], name="Flow")


def add_unmet(m: linopy.Model, sets: PlanSets) -> linopy.Variable | None:
    """``Unmet``: demand left unserved (only when the problem prices it)."""
    if sets.problem.unmet_penalty is None:
        return None
    demands = pd.Index(sets.demands["demand"], name="demand")
    return m.add_variables(lower=0, coords=[sets.scenarios, sets.years, demands], name="Unmet")


def add_stock_levels(m: linopy.Model, sets: PlanSets) -> linopy.Variable | None:
    """``Stockpile-level``: units bought in the first year and held (None: no stockpiles)."""
    piles = sets.suppliers[sets.suppliers["kind"] == "stockpile"]
    if piles.empty:
        return None
    index = pd.Index(piles["supplier"], name="stockpile")
    upper = xr.DataArray(piles["capacity"].to_numpy(), coords=[index])
    return m.add_variables(lower=0, upper=upper, coords=[index], name="Stockpile-level")
