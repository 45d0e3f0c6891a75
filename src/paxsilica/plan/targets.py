"""Target constraints, one ``add_*`` per kind; each returns the rows' metadata.

Every target row reads ``lhs + offset (≤ or ≥) limit × scale`` where ``scale`` is the
demand the limit applies to (coalition demand for the item, or the member's demand),
so that the achieved share is ``(lhs + offset) / scale``:

* ``Target-max_concern_share`` (scenario, year, target): supply of the item from
  sources and projects in concern countries ≤ limit × coalition demand;
* ``Target-min_domestic_share`` (scenario, year, target): ``Domestic`` deliveries to
  the member (from its own country) ≥ limit × its demand;
* ``Target-max_single_country_share`` (scenario, year, target:country): supply of the
  item from any one country outside the coalition ≤ limit × coalition demand;
* ``Target-min_capacity_share`` (year, target): capacity of the item located in the
  coalition (sources plus projects online) ≥ limit × coalition requirement;
* ``Target-min_recycling_capacity_share`` (year, target): the same for recycling
  capacity only (EU CRMA art. 5(1)(a)(iii): recycling able to produce 25 % of annual
  consumption);
* ``Target-min_recycled_share`` (scenario, year, target): supply of the item from
  recycling ≥ limit × coalition use.

With a chain, the coalition's *use* of an item in the flow targets is its demand plus
what chained producers consume (a variable: Σ_s A[i, item s] x[k, t, s], moved to the
left side as −limit × use), and capacity targets compare with the total requirement
(I − A)^−1 demand.

A target with a ``penalty`` is soft: ``<name>-missed`` ≥ 0 relaxes it at that cost per
unit (the objective counts it). With ``elastic=True`` each family gets a slack
(``<name>-slack`` ≥ 0) that relaxes it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import linopy
import numpy as np
import pandas as pd
import xarray as xr

from paxsilica.plan.constraints import padded_terms
from paxsilica.plan.sets import PlanSets, padded
from paxsilica.plan.terms import expression, gather, keep_empty_rows

__all__ = ["TargetRows", "add_targets"]


@dataclass(frozen=True, eq=False)
class TargetRows:
    """What the answers need to read a target family back."""

    name: str
    groups: pd.DataFrame
    """One row per coordinate ``target``: target (label), kind, item, member, country, limit."""
    scale: np.ndarray
    """(year, group) demand the limit multiplies."""
    offset: np.ndarray
    """(year, group) constant part of the left side (existing capacity)."""
    window: np.ndarray
    """(year, group) True where the target applies."""
    sense: str
    per_scenario: bool
    use_item: np.ndarray | None = None
    """(group,) item position whose chained input use adds to ``scale`` (flow targets on
    coalition use); None when the scale is fixed."""
    missed: str | None = None
    """Name of the variable by which soft targets (with a ``penalty``) are missed."""

    @property
    def penalty(self) -> np.ndarray:
        """(group,) cost per unit missed (NaN: a hard target)."""
        return self.groups["penalty"].to_numpy(dtype=float)


def _labels(sets: PlanSets) -> list[str]:
    seen: dict[str, int] = {}
    labels = []
    for target in sets.problem.targets:
        label = target.label
        seen[label] = seen.get(label, 0) + 1
        labels.append(label if seen[label] == 1 else f"{label}#{seen[label]}")
    return labels


def _window(sets: PlanSets, groups: pd.DataFrame) -> np.ndarray:
    years = sets.years.to_numpy()[:, None]
    start = groups["from"].fillna(years[0, 0]).to_numpy(dtype=float)[None, :]
    end = groups["to"].fillna(years[-1, 0]).to_numpy(dtype=float)[None, :]
    return (years >= start) & (years <= end)


def _constrain(m: linopy.Model, sets: PlanSets, name: str, lhs: linopy.LinearExpression,
               rows: TargetRows, elastic: bool) -> TargetRows:
    dims = (["scenario"] if rows.per_scenario else []) + ["year", "target"]
    index = pd.Index(rows.groups["target"], name="target")
    rhs = xr.DataArray(rows.groups["limit"].to_numpy()[None, :] * rows.scale - rows.offset,
                       coords=[sets.years, index])
    mask = xr.DataArray(rows.window, coords=[sets.years, index])
    coords = ([sets.scenarios] if rows.per_scenario else []) + [sets.years, index]
    if elastic:
        slack = m.add_variables(lower=0, coords=coords, name=f"{name}-slack")
        lhs = lhs - slack if rows.sense == "<=" else lhs + slack
    elif np.isfinite(rows.penalty).any():  # soft targets: missed at a price
        # bounded at 0 where the target is hard or out of its window (no mask: a masked
        # variable in an expression changes meaning across linopy versions)
        soft = np.isfinite(rows.penalty)[None, :] & rows.window
        upper = xr.DataArray(np.where(soft, np.inf, 0.0), coords=[sets.years, index])
        missed = m.add_variables(lower=0, upper=upper.transpose(*dims[-2:]), coords=coords,
                                 name=f"{name}-missed")
        lhs = lhs - missed if rows.sense == "<=" else lhs + missed
        rows = dataclasses.replace(rows, missed=missed.name)
    constraint = lhs <= rhs if rows.sense == "<=" else lhs >= rhs
    m.add_constraints(constraint, name=name, mask=mask.transpose(*dims[-2:]))
    return rows


def _flow_target(m: linopy.Model, sets: PlanSets, variable: linopy.Variable, kind: str,
                 groups: pd.DataFrame, pairs: tuple[np.ndarray, np.ndarray],
                 scale: np.ndarray, sense: str, elastic: bool,
                 on_use: bool = True) -> TargetRows | None:
    """Σ variable[pairs] (−limit × chained use of the item) ≤/≥ limit × scale."""
    if groups.empty:
        return None
    name = f"Target-{kind}"
    members, coeffs = np.asarray(pairs[1]), np.ones(len(pairs[1]))
    group_of = np.asarray(pairs[0])
    use_item = None
    if on_use and sets.chained:
        use_item = sets.items.get_indexer(groups["item"])
        use = sets.input_use()[use_item]  # (group, supplier)
        g, s = np.nonzero(use)
        group_of = np.concatenate([group_of, g])
        members = np.concatenate([members, s])
        coeffs = np.concatenate([coeffs, -groups["limit"].to_numpy()[g] * use[g, s]])
        if variable.name != "Supply":
            raise ValueError("use terms need the Supply variable")
    index, weight = padded_terms(group_of, members, coeffs, len(groups))
    labels = gather(variable.labels.values, index)
    weight = np.broadcast_to(weight, labels.shape)
    labels = keep_empty_rows(m, labels)
    weight = np.concatenate([weight, np.ones((*weight.shape[:-1],
                                              labels.shape[-1] - weight.shape[-1]))], axis=-1)
    coords = {"scenario": sets.scenarios, "year": sets.years,
              "target": pd.Index(groups["target"], name="target")}
    lhs = expression(m, labels, weight, ["scenario", "year", "target"], coords)
    rows = TargetRows(name, groups, scale, np.zeros_like(scale), _window(sets, groups), sense,
                      True, use_item)
    return _constrain(m, sets, name, lhs, rows, elastic)


def _groups(sets: PlanSets, kind: str) -> pd.DataFrame:
    rows = [{"target": label, "kind": t.kind, "item": t.item, "member": t.member,
             "country": None, "limit": t.limit, "from": t.from_, "to": t.to,
             "priority": t.priority, "penalty": np.nan if t.penalty is None else t.penalty}
            for label, t in zip(_labels(sets), sets.problem.targets, strict=True)
            if t.kind == kind]
    return pd.DataFrame(rows, columns=["target", "kind", "item", "member", "country", "limit",
                                       "from", "to", "priority", "penalty"])


def _pairs(table: pd.DataFrame, groups: pd.DataFrame, match: object) -> tuple[np.ndarray, ...]:
    """(group, row of ``table``) positions where ``match(group_row, table)`` holds."""
    gs, arcs = [], []
    for g, row in enumerate(groups.itertuples()):
        hit = np.flatnonzero(match(row, table))  # type: ignore[operator]
        gs.append(np.full(hit.size, g))
        arcs.append(hit)
    if not gs:
        return np.zeros(0, int), np.zeros(0, int)
    return np.concatenate(gs), np.concatenate(arcs)


def add_max_concern_share(m: linopy.Model, sets: PlanSets, supply: linopy.Variable,
                          elastic: bool = False) -> TargetRows | None:
    groups = _groups(sets, "max_concern_share")
    concern = set(sets.problem.concern)
    pairs = _pairs(sets.suppliers, groups, lambda r, a: (a["item"] == r.item)
                   & a["country"].isin(concern) & (a["kind"] != "stockpile"))
    scale = np.stack([sets.item_demand(i) for i in groups["item"]], axis=1) if len(groups) else None
    return _flow_target(m, sets, supply, "max_concern_share", groups, pairs, scale, "<=",
                        elastic)


def add_min_domestic_share(m: linopy.Model, sets: PlanSets, domestic: linopy.Variable | None,
                           elastic: bool = False) -> TargetRows | None:
    groups = _groups(sets, "min_domestic_share")
    if domestic is None or groups.empty:
        return None
    pairs = _pairs(sets.domestic, groups, lambda r, a: a["demand"] == f"{r.member}/{r.item}")
    labels = sets.demands["demand"].tolist()
    columns = [labels.index(f"{mem}/{item}") for mem, item in zip(groups["member"],
                                                                  groups["item"], strict=True)]
    scale = sets.demand[:, columns]
    return _flow_target(m, sets, domestic, "min_domestic_share", groups, pairs, scale, ">=",
                        elastic, on_use=False)


def add_max_single_country_share(m: linopy.Model, sets: PlanSets, supply: linopy.Variable,
                                 elastic: bool = False) -> TargetRows | None:
    base = _groups(sets, "max_single_country_share")
    coalition = set(sets.coalition)
    outside = sets.suppliers[(sets.suppliers["kind"] != "stockpile")
                             & ~sets.suppliers["country"].isin(coalition)]
    rows = []
    # records, not itertuples: itertuples renames the column "from" (a keyword), which
    # dropped every target's window (issue 20)
    for target in base.to_dict("records"):
        for country in sorted(set(outside.loc[outside["item"] == target["item"], "country"])):
            rows.append({**target, "target": f"{target['target']}:{country}",
                         "country": country})
    groups = pd.DataFrame(rows, columns=base.columns)
    pairs = _pairs(sets.suppliers, groups, lambda r, a: (a["item"] == r.item)
                   & (a["country"] == r.country) & (a["kind"] != "stockpile"))
    scale = np.stack([sets.item_demand(i) for i in groups["item"]], axis=1) if rows else None
    return _flow_target(m, sets, supply, "max_single_country_share", groups, pairs, scale, "<=",
                        elastic)


def add_min_recycled_share(m: linopy.Model, sets: PlanSets, supply: linopy.Variable,
                           elastic: bool = False) -> TargetRows | None:
    groups = _groups(sets, "min_recycled_share")
    pairs = _pairs(sets.suppliers, groups, lambda r, a: (a["item"] == r.item)
                   & a["recycling"] & (a["kind"] != "stockpile"))
    scale = np.stack([sets.item_demand(i) for i in groups["item"]], axis=1) if len(groups) else None
    return _flow_target(m, sets, supply, "min_recycled_share", groups, pairs, scale, ">=",
                        elastic)


def add_capacity_share(m: linopy.Model, sets: PlanSets, build: linopy.Variable | None,
                       kind: str, elastic: bool = False) -> TargetRows | None:
    """``min_capacity_share`` (all capacity) or ``min_recycling_capacity_share`` (recycling
    only): capacity located in the coalition ≥ limit × the item's total requirement."""
    groups = _groups(sets, kind)
    if groups.empty:
        return None
    recycling_only = kind == "min_recycling_capacity_share"
    coalition = set(sets.coalition)
    suppliers = sets.suppliers
    located = suppliers["country"].isin(coalition) & (suppliers["kind"] == "source")
    if recycling_only:
        located &= suppliers["recycling"]
    offset = np.array([[suppliers.loc[located & (suppliers["item"] == i), "capacity"].sum()
                        for i in groups["item"]]])
    offset = np.repeat(offset, len(sets.years), axis=0)
    requirement = sets.requirement()
    scale = requirement[:, sets.items.get_indexer(groups["item"])]
    n_t = len(sets.years)
    projects = sets.projects
    if build is None:
        labels = np.full((n_t, len(groups), 1), -1)
        coeffs = np.zeros(labels.shape)
    else:
        eligible = projects["country"].isin(coalition)
        if recycling_only:
            eligible &= projects["recycling"]
        gs, ps = _pairs_projects(groups, projects, eligible.to_numpy())
        index = padded(gs, ps, len(groups))  # (g, w) project positions
        online = sets.online()  # (p, y, t)
        safe = np.clip(index, 0, None)
        labels = np.where(index[..., None] >= 0, build.labels.values[safe], -1)  # (g, w, y)
        coeffs = projects["capacity"].to_numpy()[safe][..., None, None] * online[safe]
        coeffs = np.where(index[..., None, None] >= 0, coeffs, 0.0)
        labels = np.broadcast_to(labels[None], (n_t, *labels.shape)).reshape(n_t, len(groups), -1)
        coeffs = coeffs.transpose(3, 0, 1, 2).reshape(n_t, len(groups), -1)  # (t, g, w*y)
        labels = np.where(coeffs != 0, labels, -1)
    labels = keep_empty_rows(m, labels)
    coeffs = np.concatenate([coeffs, np.ones((*coeffs.shape[:-1], 1))], axis=-1)[
        ..., :labels.shape[-1]]
    coords = {"year": sets.years, "target": pd.Index(groups["target"], name="target")}
    lhs = expression(m, labels, coeffs, ["year", "target"], coords)
    rows = TargetRows(f"Target-{kind}", groups, scale, offset, _window(sets, groups), ">=",
                      False)
    return _constrain(m, sets, rows.name, lhs, rows, elastic)


def _pairs_projects(groups: pd.DataFrame, projects: pd.DataFrame,
                    eligible: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    gs, ps = [], []
    for g, item in enumerate(groups["item"]):
        hit = np.flatnonzero((projects["item"] == item).to_numpy() & eligible)
        gs.append(np.full(hit.size, g))
        ps.append(hit)
    return np.concatenate(gs), np.concatenate(ps)


def add_targets(m: linopy.Model, sets: PlanSets, supply: linopy.Variable,
                domestic: linopy.Variable | None, build: linopy.Variable | None, *,
                elastic: bool = False) -> list[TargetRows]:
    """Every target family present in the problem."""
    families = [add_max_concern_share(m, sets, supply, elastic),
                add_min_domestic_share(m, sets, domestic, elastic),
                add_max_single_country_share(m, sets, supply, elastic),
                add_min_recycled_share(m, sets, supply, elastic),
                add_capacity_share(m, sets, build, "min_capacity_share", elastic),
                add_capacity_share(m, sets, build, "min_recycling_capacity_share", elastic)]
    return [rows for rows in families if rows is not None]
