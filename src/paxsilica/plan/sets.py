"""Index sets and parameter arrays of a planning problem (numpy and pandas; no solver).

Suppliers are sources, projects and stockpiles in that order; a *demand* is a
(member, item) pair. Arrays are laid out (scenario, year, …) like the model's variables.

Example:
    >>> from paxsilica.plan.problem import Problem
    >>> p = Problem.model_validate({"name": "x", "years": [2026, 2027], "concern": ["CHN"],
    ...     "demand": [{"member": "USA", "item": "gallium", "quantity": 10}],
    ...     "sources": [{"id": "s", "item": "gallium", "country": "CHN", "capacity": 20,
    ...                  "cost": 1}]})
    >>> s = plan_sets(p)
    >>> list(s.demands["demand"]), s.demand.tolist()
    (['USA/gallium'], [[10.0], [10.0]])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from paxsilica.plan.chain import recipe_matrix, total_requirement
from paxsilica.plan.checks import plan_items
from paxsilica.plan.problem import Problem

__all__ = ["PlanSets", "padded", "plan_sets"]


@dataclass(frozen=True, eq=False)
class PlanSets:
    """Labels and parameters the model and the answers share."""

    problem: Problem
    years: pd.Index
    scenarios: pd.Index
    weights: np.ndarray
    """Scenario probabilities w_k."""
    discount: np.ndarray
    """delta_t = (1 + r)^-(t - first year)."""
    suppliers: pd.DataFrame
    """supplier, kind (source/project/stockpile), item, country, capacity, cost, inputs
    (consumes its item's recipe inputs), recycling (secondary supply)."""
    demands: pd.DataFrame
    """demand label ``member/item``, member, item, priority (shortfall class)."""
    demand: np.ndarray
    """(year, demand) quantity."""
    domestic: pd.DataFrame
    """Demands whose deliveries from their own country are tracked (a min_domestic_share
    target or a stockpile): demand, member, item, position (in ``demands``)."""
    available: np.ndarray
    """(scenario, year, supplier) fraction of capacity not lost to outages."""
    projects: pd.DataFrame
    """The project rows of ``suppliers`` with capex, lead_time, first_build, last_build."""
    items: pd.Index
    """Every item of the problem (demanded, supplied, stocked or carried), sorted."""
    recipe: np.ndarray
    """(input, output) units of input per unit of output among ``items`` (zeros: no chain)."""
    inventory: pd.DataFrame
    """Carried items: item, holding_cost, initial, capacity (inf: unbounded)."""
    penalty: np.ndarray | None
    """(scenario, item) cost per unit unmet; None when demand must be met."""

    @property
    def coalition(self) -> list[str]:
        """Members with demand in the problem, and the problem's ``coalition`` countries."""
        named = self.problem.coalition or []
        return sorted(set(self.demands["member"]) | set(named))

    @property
    def chained(self) -> bool:
        """Whether recipes link the items."""
        return bool(self.recipe.any())

    def item_demand(self, item: str) -> np.ndarray:
        """(year,) total coalition demand for ``item``."""
        return self.demand[:, (self.demands["item"] == item).to_numpy()].sum(axis=1)

    def item_demands(self) -> np.ndarray:
        """(year, item) coalition demand over ``items``."""
        codes = self.items.get_indexer(self.demands["item"])
        out = np.zeros((len(self.years), len(self.items)))
        np.add.at(out.T, codes, self.demand.T)
        return out

    def requirement(self) -> np.ndarray:
        """(year, item) total requirement: demand plus the recipe inputs it needs."""
        return total_requirement(self.recipe, self.item_demands())

    def input_use(self) -> np.ndarray:
        """(item, supplier) units of each item one unit of a supplier's output consumes."""
        codes = self.items.get_indexer(self.suppliers["item"])
        use = self.recipe[:, codes] * self.suppliers["inputs"].to_numpy(dtype=float)[None, :]
        return use

    def disrupted(self) -> np.ndarray:
        """(scenario, year, item) True where some supplier of the item is cut."""
        out = np.zeros((len(self.scenarios), len(self.years), len(self.items)), dtype=bool)
        real = (self.suppliers["kind"] != "stockpile").to_numpy()
        codes = self.items.get_indexer(self.suppliers["item"])[real]
        cut = self.available[:, :, real] < 1 - 1e-12
        for n, code in enumerate(codes):
            out[:, :, code] |= cut[:, :, n]
        return out

    def build_window(self) -> np.ndarray:
        """(project, build_year) True where a build is allowed."""
        years = self.years.to_numpy()
        first = self.projects["first_build"].to_numpy()[:, None]
        last = self.projects["last_build"].to_numpy()[:, None]
        return (years[None, :] >= first) & (years[None, :] <= last)

    def online(self) -> np.ndarray:
        """(project, build_year, year) 1 when a build in build_year produces in year."""
        years = self.years.to_numpy()
        lead = self.projects["lead_time"].to_numpy()[:, None, None]
        return (years[None, :, None] <= years[None, None, :] - lead).astype(float)


def padded(groups: np.ndarray, members: np.ndarray, n_groups: int) -> np.ndarray:
    """(n_groups, width) matrix of ``members`` per group, padded with -1.

    >>> padded(np.array([1, 0, 1]), np.array([7, 8, 9]), 3).tolist()
    [[8, -1], [7, 9], [-1, -1]]
    """
    groups = np.asarray(groups, dtype=np.int64)
    counts = np.bincount(groups, minlength=n_groups)
    width = max(int(counts.max()) if len(counts) else 0, 1)
    order = np.argsort(groups, kind="stable")
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    position = np.arange(len(groups)) - starts[groups[order]]
    matrix = np.full((n_groups, width), -1, dtype=np.int64)
    matrix[groups[order], position] = np.asarray(members)[order]
    return matrix


def _suppliers(problem: Problem, chained: bool) -> pd.DataFrame:
    rows = [{"supplier": s.id, "kind": "source", "item": s.item, "country": s.country,
             "capacity": s.capacity, "cost": s.cost, "inputs": chained and s.inputs,
             "recycling": s.kind == "recycling"} for s in problem.sources]
    rows += [{"supplier": p.id, "kind": "project", "item": p.item, "country": p.country,
              "capacity": p.capacity, "cost": p.cost, "inputs": chained and p.consumes_inputs,
              "recycling": p.kind == "recycling"} for p in problem.projects]
    rows += [{"supplier": s.id, "kind": "stockpile", "item": s.item, "country": s.member,
              "capacity": s.max_quantity, "cost": 0.0, "inputs": False, "recycling": False}
             for s in problem.stockpiles]
    columns = ["supplier", "kind", "item", "country", "capacity", "cost", "inputs",
               "recycling"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype({"inputs": bool, "recycling": bool})


def _demand(problem: Problem, years: pd.Index) -> tuple[pd.DataFrame, np.ndarray]:
    rows = pd.DataFrame([{"member": d.member, "item": d.item, "year": d.year,
                          "quantity": d.quantity} for d in problem.demand])
    pairs = rows[["member", "item"]].drop_duplicates().sort_values(["item", "member"])
    pairs = pairs.reset_index(drop=True)
    pairs.insert(0, "demand", pairs["member"] + "/" + pairs["item"])
    priorities = problem.shortfall.priorities
    pairs["priority"] = [int(priorities.get(m, 0)) for m in pairs["member"]]
    position = {(m, i): n for n, (m, i) in enumerate(zip(pairs["member"], pairs["item"],
                                                         strict=True))}
    matrix = np.zeros((len(years), len(pairs)))
    for row in rows.itertuples():
        column = position[(row.member, row.item)]
        if row.year == "all":
            matrix[:, column] += row.quantity
        else:
            matrix[years.get_loc(row.year), column] += row.quantity
    return pairs, matrix


def _available(problem: Problem, suppliers: pd.DataFrame) -> np.ndarray:
    years = np.asarray(problem.years)
    lost = np.zeros((len(problem.scenarios), len(years), len(suppliers)))
    countries = suppliers["country"].to_numpy()
    items = suppliers["item"].to_numpy()
    for k, scenario in enumerate(problem.scenarios):
        start = scenario.from_ if scenario.from_ is not None else years[0]
        end = scenario.to if scenario.to is not None else years[-1]
        for outage in scenario.outages:
            first = max(start, outage.from_) if outage.from_ is not None else start
            last = min(end, outage.to) if outage.to is not None else end
            in_window = ((years >= first) & (years <= last))[:, None]
            hit = (countries == outage.country) & (
                True if outage.item is None else items == outage.item)
            lost[k] = np.maximum(lost[k], in_window * hit[None, :] * outage.fraction)
    return 1.0 - lost


def _inventory(problem: Problem) -> pd.DataFrame:
    rows = [{"item": s.item, "holding_cost": s.holding_cost, "initial": s.initial,
             "capacity": np.inf if s.capacity is None else s.capacity}
            for s in problem.inventory]
    frame = pd.DataFrame(rows, columns=["item", "holding_cost", "initial", "capacity"])
    return frame.sort_values("item").reset_index(drop=True)


def _penalty(problem: Problem, items: pd.Index) -> np.ndarray | None:
    """(scenario, item) unmet cost: the scenario's own where given, else the problem's."""
    given = [s.unmet_penalty for s in problem.scenarios]
    if problem.unmet_penalty is None and not any(given):
        return None
    default = problem.unmet_penalty
    out = np.full((len(problem.scenarios), len(items)), np.nan)
    for k, own in enumerate(given):
        for n, item in enumerate(items):
            value = (own or {}).get(item, default)
            out[k, n] = np.nan if value is None else value
    return out


def plan_sets(problem: Problem) -> PlanSets:
    """Index sets and parameter arrays of a (validated, resolved) problem."""
    years = pd.Index(problem.years, name="year")
    scenarios = pd.Index([s.name for s in problem.scenarios], name="scenario")
    weights = np.array([s.probability for s in problem.scenarios], dtype=float)
    discount = (1.0 + problem.discount_rate) ** -(years.to_numpy() - years[0]).astype(float)
    items = pd.Index(plan_items(problem), name="item")
    lines = ([] if problem.chain is None or isinstance(problem.chain.recipes, str) else
             [(r.output, r.input, r.quantity) for r in problem.chain.recipes])
    recipe = recipe_matrix(lines, list(items))
    suppliers = _suppliers(problem, bool(recipe.any()))
    demands, demand = _demand(problem, years)
    tracked = {(t.member, t.item) for t in problem.targets if t.kind == "min_domestic_share"}
    tracked |= {(s.member, s.item) for s in problem.stockpiles}
    is_tracked = [(m, i) in tracked for m, i in zip(demands["member"], demands["item"],
                                                     strict=True)]
    domestic = demands[is_tracked].reset_index(names="position")
    projects = suppliers[suppliers["kind"] == "project"].reset_index(drop=True).copy()
    projects["capex"] = [p.capex for p in problem.projects]
    projects["lead_time"] = [p.lead_time for p in problem.projects]
    projects["first_build"] = [p.earliest_build if p.earliest_build is not None
                               else years[0] for p in problem.projects]
    projects["last_build"] = [p.latest_build if p.latest_build is not None
                              else years[-1] for p in problem.projects]
    return PlanSets(problem, years, scenarios, weights, discount, suppliers, demands, demand,
                    domestic, _available(problem, suppliers), projects, items, recipe,
                    _inventory(problem), _penalty(problem, items))
