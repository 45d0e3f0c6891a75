"""The issue's literal arc formulation, for the benchmark's comparison only.

Flows f[scenario, year, supplier → member] per arc instead of supplier outputs; same
builds, capacities, balance per (member, item), ``max_concern_share`` and
``min_domestic_share`` targets, unmet demand and objective. Vectorised like the
planner (label arrays), so the comparison is of the formulations, not of build code.
"""

from __future__ import annotations

import linopy
import numpy as np
import pandas as pd
import xarray as xr

from paxsilica.plan.problem import Problem
from paxsilica.plan.sets import padded, plan_sets
from paxsilica.plan.terms import expression, gather


def build_arcs(problem: Problem) -> linopy.Model:
    """The arc model of ``problem`` (sources and projects; no stockpiles or CRMA kinds)."""
    sets = plan_sets(problem)
    sup = sets.suppliers.reset_index(names="s")
    dem = sets.demands.reset_index(names="d")
    arcs = sup.merge(dem, on="item").sort_values(["s", "d"]).reset_index(drop=True)
    m = linopy.Model(force_dim_names=True)
    years, scen = sets.years, sets.scenarios
    window = sets.build_window()
    b_coords = [pd.Index(sets.projects["supplier"], name="project"),
                pd.Index(years, name="build_year")]
    b = m.add_variables(binary=True, coords=b_coords, mask=xr.DataArray(window, coords=b_coords),
                        name="b")
    f = m.add_variables(lower=0, coords=[scen, years, pd.Index(np.arange(len(arcs)), name="arc")],
                        name="f")
    demands = pd.Index(sets.demands["demand"], name="demand")
    u = m.add_variables(lower=0, coords=[scen, years, demands], name="u")
    m.add_constraints(b.sum("build_year") <= 1, name="once")
    by_supplier = gather(f.labels.values, padded(arcs["s"].to_numpy(), np.arange(len(arcs)),
                                                 len(sup)))  # (k, t, s, w)
    n_k, n_t = len(scen), len(years)
    is_project = (sup["kind"] == "project").to_numpy()
    cap = (sup["capacity"].to_numpy()[None, None] * sets.available)  # (k, t, s)
    src = ~is_project
    coords = {"scenario": scen, "year": years, "source": pd.Index(sup["supplier"][src], name="source")}
    lhs = expression(m, by_supplier[:, :, src], np.ones(1), ["scenario", "year", "source"], coords)
    m.add_constraints(lhs <= xr.DataArray(cap[:, :, src], coords=list(coords.values())),
                      name="source-cap")
    online = sets.online().transpose(2, 0, 1)  # (t, p, y)
    builds = np.broadcast_to(b.labels.values[None, None], (n_k, n_t, *b.labels.shape))
    coeffs = -cap[:, :, is_project][..., None] * online[None]
    labels = np.concatenate([by_supplier[:, :, is_project], np.where(coeffs != 0, builds, -1)], -1)
    coeffs = np.concatenate([np.ones(by_supplier[:, :, is_project].shape), coeffs], -1)
    coords = {"scenario": scen, "year": years, "project": pd.Index(sets.projects["supplier"],
                                                                   name="project")}
    m.add_constraints(expression(m, labels, coeffs, ["scenario", "year", "project"], coords) <= 0,
                      name="project-cap")
    into = gather(f.labels.values, padded(arcs["d"].to_numpy(), np.arange(len(arcs)), len(dem)))
    into = np.concatenate([into, u.labels.values[..., None]], -1)
    coords = {"scenario": scen, "year": years, "demand": demands}
    m.add_constraints(expression(m, into, np.ones(1), ["scenario", "year", "demand"], coords)
                      == xr.DataArray(sets.demand, coords=[years, demands]), name="balance")
    for n, target in enumerate(problem.targets):
        if target.kind == "max_concern_share":
            hit = (arcs["item"] == target.item) & arcs["country"].isin(problem.concern)
            scale = sets.item_demand(target.item)
        else:
            hit = ((arcs["item"] == target.item) & (arcs["member"] == target.member)
                   & (arcs["country"] == target.member))
            scale = sets.demand[:, sets.demands["demand"].tolist().index(
                f"{target.member}/{target.item}")]
        lhs = f.isel(arc=np.flatnonzero(hit.to_numpy())).sum("arc")
        rhs = xr.DataArray(target.limit * scale, coords=[years])
        mask = xr.DataArray(years.to_numpy() >= (target.from_ or years[0]), coords=[years])
        sense = (lhs <= rhs) if target.kind == "max_concern_share" else (lhs >= rhs)
        m.add_constraints(sense, name=f"target-{n}", mask=mask)
    delta, w = sets.discount, sets.weights
    capex = sets.projects["capex"].to_numpy()[:, None] * delta[None]
    cost = arcs["cost"].to_numpy()[None, None] * (w[:, None, None] * delta[None, :, None])
    pen = problem.unmet_penalty * w[:, None, None] * delta[None, :, None]
    m.add_objective(expression(m, b.labels.values, capex, ["project"],
                               {"project": b_coords[0]}).sum()
                    + (f * xr.DataArray(cost, coords=f.labels.coords)).sum()
                    + (u * xr.DataArray(np.broadcast_to(pen, u.shape), coords=u.labels.coords)).sum())
    return m
