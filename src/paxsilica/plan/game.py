"""Cost sharing as a cooperative game: stand-alone costs, the Shapley value, the core.

Players are the members with demand. The cost c(S) of a coalition S is the optimum of
the same problem serving only S, with only what S can use without the others:

* S's demand, stockpiles, member targets and shortfall priorities; the coalition-wide
  targets on the items S needs, on S's own use (the *same targets*; the coalition whose
  capacity counts stays the whole problem's). When the problem prices unmet demand, a
  target S cannot meet alone may be missed at ``unmet_penalty`` per unit (a member alone
  may lack the capacity or the inputs a target asks for; without a price its stand-alone
  cost, and so the Shapley value, would not exist). The same holds for the whole
  coalition, so c(N) may be below the plan's cost if missing a target were cheaper than
  meeting it: ``CostGame.plan_cost_gap`` says by how much;
* its own supply: sources located in S's countries, and projects whose partners among the
  players (the host when no partners are named) are all in S;
* what it can buy from non-members: a source located outside the players' countries
  sells S its pro-rata share ρ_S,i of capacity, and a project hosted outside with no
  player partner may be built by S (S pays all the capex) but S can count on ρ_S,i of
  its output, the rest going to the other buyers. ρ_S,i = Σ_t r_S,i(t) / Σ_t r_N,i(t),
  r the total requirement (demand plus recipe inputs, (I − A)^−1 D).

With this rule c is **subadditive** — c(S ∪ T) ≤ c(S) + c(T) for disjoint S, T: the two
plans together are a plan for S ∪ T (own supplies and pro-rata shares add up; a project
both build is built once, at the earlier year, for less) — so every member's Shapley
value is at most its stand-alone cost: no member is shown a negative saving. (The old
rule gave each subset all third-party capacity, so savings came out negative.)

φ_m = Σ_{S ⊆ N∖{m}} |S|! (n − |S| − 1)! / n! · (c(S ∪ {m}) − c(S)) exactly for up to
``max_players`` members (2^n − 1 solves), else estimated from ``samples`` random orders
(each with its reverse: antithetic pairs), with a standard error per member. The
allocation is in the **core** when no coalition pays more than it would alone
(Σ_{m∈S} φ_m ≤ c(S) for every S); the core is empty when no allocation achieves that
(Bondareva–Shapley, an LP).

Example (symmetric players, hand-worked in tests/plan/test_costs.py):
    >>> shapley_values({frozenset(): 0, frozenset("a"): 160, frozenset("b"): 160,
    ...                 frozenset("ab"): 220}, ["a", "b"])
    {'a': 110.0, 'b': 110.0}
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations
from math import factorial

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from paxsilica.errors import PaxsilicaError
from paxsilica.plan.chain import recipe_matrix, total_requirement
from paxsilica.plan.checks import plan_items
from paxsilica.plan.problem import Problem

__all__ = [
    "CostGame",
    "coalition_problem",
    "core_check",
    "cost_game",
    "players",
    "shapley_values",
]

TOLERANCE = 1e-6
"""Relative tolerance of the core and subadditivity checks (the subsets' MIP gap)."""


def players(problem: Problem) -> list[str]:
    """Members with demand (sorted ISO3)."""
    return sorted({d.member for d in problem.demand})


def _requirement(problem: Problem, members: set[str], items: list[str]) -> np.ndarray:
    """(item,) total requirement over the horizon of ``members``' demand."""
    years = problem.years
    demand = np.zeros((len(years), len(items)))
    position = {item: n for n, item in enumerate(items)}
    for row in problem.demand:
        if row.member not in members:
            continue
        if row.year == "all":
            demand[:, position[row.item]] += row.quantity
        else:
            demand[years.index(row.year), position[row.item]] += row.quantity
    lines = ([] if problem.chain is None or isinstance(problem.chain.recipes, str)
             else [(r.output, r.input, r.quantity) for r in problem.chain.recipes])
    return total_requirement(recipe_matrix(lines, items), demand).sum(axis=0)


def pro_rata_shares(problem: Problem, members: set[str]) -> dict[str, float]:
    """ρ_S,i per item: the coalition's share of the players' total requirement."""
    items = plan_items(problem)
    whole = _requirement(problem, set(players(problem)), items)
    part = _requirement(problem, members, items)
    return {item: (float(part[n] / whole[n]) if whole[n] > 0 else 0.0)
            for n, item in enumerate(items)}


def coalition_problem(problem: Problem, members: set[str] | frozenset[str]) -> Problem:
    """The problem a coalition of ``members`` faces alone (see the module's rules)."""
    everyone = set(players(problem))
    members = set(members)
    rho = pro_rata_shares(problem, members)
    part = problem.model_copy(deep=True)
    part.coalition = sorted(everyone | set(problem.coalition or []))
    part.demand = [d for d in part.demand if d.member in members]
    part.stockpiles = [s for s in part.stockpiles if s.member in members]
    needed = {item for item, share in rho.items() if share > 0}
    part.targets = [t for t in part.targets if t.item in needed
                    and (t.member is None or t.member in members)]
    if problem.unmet_penalty is not None:
        for target in part.targets:  # a target S cannot meet alone is missed at the price
            if target.penalty is None:  # of a unit short
                target.penalty = problem.unmet_penalty
    part.shortfall.priorities = {m: p for m, p in part.shortfall.priorities.items()
                                 if m in members}
    sources = []
    for source in part.sources:
        if source.country in everyone:
            if source.country in members:
                sources.append(source)
        elif rho.get(source.item, 0.0) > 0:
            source.capacity *= rho[source.item]
            sources.append(source)
    part.sources = sources
    projects = []
    for project in part.projects:
        owners = set(project.partners or {project.country: 1.0}) & everyone
        if owners:
            if owners <= members:
                projects.append(project)
        elif rho.get(project.item, 0.0) > 0:
            project.capacity *= rho[project.item]
            projects.append(project)
    part.projects = projects
    for stock in part.inventory:
        share = rho.get(stock.item, 0.0)
        stock.initial *= share
        if stock.capacity is not None:
            stock.capacity *= share
    return part


def shapley_values(costs: dict[frozenset[str], float], names: list[str]) -> dict[str, float]:
    """Exact Shapley value of a cost game given every coalition's cost."""
    n = len(names)
    out = {}
    for m in names:
        others = [p for p in names if p != m]
        value = 0.0
        for size in range(n):
            weight = factorial(size) * factorial(n - size - 1) / factorial(n)
            for subset in combinations(others, size):
                s = frozenset(subset)
                value += weight * (costs[s | {m}] - costs[s])
        out[m] = value
    return out


def core_check(costs: dict[frozenset[str], float], allocation: dict[str, float],
               names: list[str]) -> dict[str, object]:
    """Whether ``allocation`` is in the core, over the coalitions whose cost is known:
    the largest excess Σ_{m∈S} x_m − c(S) and its coalition; with every coalition known,
    whether the core is empty (LP) and the core allocation closest to ``allocation`` (L1)."""
    grand = frozenset(names)
    scale = max(abs(costs[grand]), 1.0)
    proper = [s for s in costs if s and s != grand]
    excess = {s: sum(allocation[m] for m in s) - costs[s] for s in proper}
    worst = max(excess, key=excess.get) if excess else None
    report: dict[str, object] = {
        "coalitions_checked": len(proper), "coalitions": 2 ** len(names) - 2,
        "max_excess": float(excess[worst]) if worst else 0.0,
        "blocking_coalition": sorted(worst) if worst and excess[worst] > TOLERANCE * scale
        else None}
    report["in_core"] = report["blocking_coalition"] is None
    if len(proper) == 2 ** len(names) - 2:
        report.update(_core_lp(costs, allocation, names, proper))
    return report


def _core_lp(costs: dict[frozenset[str], float], allocation: dict[str, float],
             names: list[str], proper: list[frozenset[str]]) -> dict[str, object]:
    n = len(names)
    rows = np.array([[1.0 if m in s else 0.0 for m in names] for s in proper]).reshape(-1, n)
    bounds = np.array([costs[s] for s in proper])
    grand = costs[frozenset(names)]
    best = linprog(-np.ones(n), A_ub=rows if len(proper) else None,
                   b_ub=bounds if len(proper) else None, bounds=[(None, None)] * n,
                   method="highs")
    empty = not best.success or -best.fun < grand - TOLERANCE * max(abs(grand), 1.0)
    if empty:
        return {"core_empty": True, "core_allocation": None}
    # closest core point to the allocation in L1: x = phi + p - q, p, q ≥ 0
    phi = np.array([allocation[m] for m in names])
    c = np.ones(2 * n)
    a_ub = np.hstack([rows, -rows]) if len(proper) else None
    b_ub = bounds - rows @ phi if len(proper) else None
    closest = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=np.hstack([np.ones((1, n)),
                                                               -np.ones((1, n))]),
                      b_eq=[grand - phi.sum()], bounds=[(0, None)] * (2 * n), method="highs")
    point = phi + closest.x[:n] - closest.x[n:] if closest.success else phi
    return {"core_empty": False, "core_allocation": dict(zip(names, point.tolist(),
                                                             strict=True))}


@dataclass(frozen=True, eq=False)
class CostGame:
    """The game's answer: shares per member, coalition costs, core and subadditivity."""

    shares: pd.DataFrame
    """country, shapley_cost, standalone_cost, saving, std_error (0 when exact)."""
    coalitions: pd.DataFrame
    """coalition (sorted members joined by '+'), size, cost."""
    exact: bool
    samples: int
    core: dict[str, object] = field(default_factory=dict)
    subadditive_violations: int = 0
    rule: str = ""
    plan_cost_gap: float | None = None
    """The plan's cost minus c(N) (given the plan's objective): what meeting targets costs
    beyond the price the game puts on missing them (0 when the game's N meets them)."""

    def to_dict(self) -> dict[str, object]:
        return {"method": "shapley", "exact": self.exact, "samples": self.samples,
                "rule": self.rule, "core": self.core, "plan_cost_gap": self.plan_cost_gap,
                "subadditive_violations": self.subadditive_violations,
                "shares": self.shares.to_dict("records"),
                "coalitions": self.coalitions.to_dict("records")}


RULE = ("c(S): the plan serving only S with its own sources and projects, and pro-rata "
        "shares of non-members' capacity (ρ_S = S's share of the total requirement), under "
        "the same targets (missed at the unmet-demand penalty per unit when the problem has "
        "one)")


def _subadditive_violations(costs: dict[frozenset[str], float], names: list[str]) -> int:
    scale = max(abs(costs[frozenset(names)]), 1.0)
    count = 0
    known = [s for s in costs if s]
    for a in known:
        for b in known:
            if min(a) < min(b) and not a & b and a | b in costs:
                count += costs[a | b] > costs[a] + costs[b] + TOLERANCE * scale
    return count


def cost_game(problem: Problem, *, max_players: int = 8, samples: int = 50, seed: int = 0,
              mip_gap: float = 1e-6, time_limit: float | None = None,
              plan_objective: float | None = None,
              progress: Callable[[int, int], None] | None = None) -> CostGame:
    """Shapley shares of the plan's cost (exact up to ``max_players``, else from
    ``samples`` antithetic pairs of random orders), the core and subadditivity checks;
    ``plan_objective`` (the solved plan's cost) gives ``plan_cost_gap``."""
    from paxsilica.plan.model import build
    from paxsilica.plan.solve import solve

    names = players(problem)
    n = len(names)
    exact = n <= max_players
    cache: dict[frozenset[str], float] = {frozenset(): 0.0}
    total = 2 ** n - 1 if exact else min(2 ** n - 1, 2 * samples * n)

    def cost(members: frozenset[str]) -> float:
        if members not in cache:
            result = solve(build(coalition_problem(problem, members)), duals=False,
                           mip_gap=mip_gap, time_limit=time_limit, loss_values=0)
            if result.objective is None:
                raise PaxsilicaError(f"no plan for the members {', '.join(sorted(members))} "
                                     f"alone ({result.message or result.status}); the "
                                     "Shapley value is undefined")
            cache[members] = result.objective
            if progress is not None:
                progress(len(cache) - 1, total)
        return cache[members]

    if exact:
        for size in range(1, n + 1):
            for subset in combinations(names, size):
                cost(frozenset(subset))
        values, errors = shapley_values(cache, names), dict.fromkeys(names, 0.0)
    else:
        values, errors = _sampled(cost, names, samples, seed)
    cost(frozenset(names))
    shares = pd.DataFrame({"country": names,
                           "shapley_cost": [values[m] for m in names],
                           "standalone_cost": [cost(frozenset([m])) for m in names],
                           "std_error": [errors[m] for m in names]})
    shares["saving"] = shares["standalone_cost"] - shares["shapley_cost"]
    coalitions = pd.DataFrame([{"coalition": "+".join(sorted(s)), "size": len(s), "cost": c}
                               for s, c in cache.items() if s],
                              columns=["coalition", "size", "cost"])
    coalitions = coalitions.sort_values(["size", "coalition"]).reset_index(drop=True)
    gap = None if plan_objective is None else plan_objective - cache[frozenset(names)]
    return CostGame(shares[["country", "shapley_cost", "standalone_cost", "saving",
                            "std_error"]], coalitions, exact, 0 if exact else samples,
                    core_check(cache, values, names), _subadditive_violations(cache, names),
                    RULE, gap)


def _sampled(cost: Callable[[frozenset[str]], float], names: list[str], samples: int,
             seed: int) -> tuple[dict[str, float], dict[str, float]]:
    """Mean marginal cost over ``samples`` random orders and their reverses; standard
    error from the spread of the pair means (antithetic pairs are independent draws)."""
    rng = np.random.default_rng(seed)
    draws: dict[str, list[float]] = {m: [] for m in names}
    for _ in range(samples):
        order = list(rng.permutation(names))
        pair: dict[str, float] = dict.fromkeys(names, 0.0)
        for sequence in (order, order[::-1]):
            before: frozenset[str] = frozenset()
            for m in sequence:
                after = before | {m}
                pair[m] += 0.5 * (cost(after) - cost(before))
                before = after
        for m in names:
            draws[m].append(pair[m])
    values = {m: float(np.mean(draws[m])) for m in names}
    errors = {m: float(np.std(draws[m], ddof=1) / np.sqrt(samples)) if samples > 1 else np.nan
              for m in names}
    return values, errors
