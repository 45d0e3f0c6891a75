"""Who pays: capex of joint projects by partner shares or by benefit, and the Shapley value.

* ``partners``: each built project's capex split by its stated ``partners`` shares;
* ``benefit``: split by the expected, discounted quantity each member receives from the
  project (w_k δ_t f); a project that delivers nothing falls back to partner shares;
* ``shapley``: the whole plan's cost c(N) shared among the members N with demand, where
  c(S) is the optimum of the same problem serving only the members in S (their targets,
  stockpiles and the coalition-wide targets on their items):
  φ_m = Σ_{S ⊆ N∖{m}} |S|! (|N| − |S| − 1)! / |N|! · (c(S ∪ {m}) − c(S)).
  It needs 2^|N| solves, so it is limited to ``max_players`` members (default 8).

Example:
    >>> import pandas as pd
    >>> builds = pd.DataFrame({"project": ["p"], "capex": [100.0],
    ...                        "cost_shares": [{"USA": 70.0, "JPN": 30.0}]})
    >>> by_partners(builds)["amount"].tolist()
    [70.0, 30.0]
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations
from math import factorial

import pandas as pd

from paxsilica.errors import PaxsilicaError
from paxsilica.plan.model import build
from paxsilica.plan.problem import Problem
from paxsilica.plan.results import PlanResult
from paxsilica.plan.solve import solve

__all__ = ["by_benefit", "by_partners", "restrict", "shapley", "share_costs"]


def by_partners(builds: pd.DataFrame) -> pd.DataFrame:
    """Rows project, country, amount from each build's ``cost_shares``."""
    rows = [{"project": b.project, "country": c, "amount": amount}
            for b in builds.itertuples() for c, amount in b.cost_shares.items()]
    return pd.DataFrame(rows, columns=["project", "country", "amount"])


def by_benefit(result: PlanResult, problem: Problem) -> pd.DataFrame:
    """Capex split by expected discounted deliveries from each project to each member."""
    weight = {s.name: s.probability for s in problem.scenarios}
    rate, first = problem.discount_rate, problem.first_year
    flows = result.flows.assign(value=lambda f: f["quantity"] * f["scenario"].map(weight)
                                * (1 + rate) ** -(f["year"] - first))
    received = flows.groupby(["source", "member"])["value"].sum()
    rows = []
    for b in result.builds.itertuples():
        if b.project in received.index.get_level_values(0):
            share = received.loc[b.project] / received.loc[b.project].sum()
            rows += [{"project": b.project, "country": member, "amount": b.capex * s}
                     for member, s in share.items()]
        else:
            rows += [{"project": b.project, "country": c, "amount": a}
                     for c, a in b.cost_shares.items()]
    return pd.DataFrame(rows, columns=["project", "country", "amount"])


def restrict(problem: Problem, members: set[str]) -> Problem:
    """The same problem serving only ``members`` (their demand, targets and stockpiles)."""
    part = problem.model_copy(deep=True)
    part.demand = [d for d in part.demand if d.member in members]
    items = {d.item for d in part.demand}
    part.stockpiles = [s for s in part.stockpiles if s.member in members]
    part.targets = [t for t in part.targets if t.item in items
                    and (t.member is None or t.member in members)]
    return part


def shapley(problem: Problem, *, max_players: int = 8, mip_gap: float = 1e-6,
            progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """Shapley shares of the plan's cost; columns country, shapley_cost, standalone_cost,
    saving (standalone − Shapley). ``progress(done, total)`` is called after each solve."""
    players = sorted({d.member for d in problem.demand})
    n = len(players)
    if n > max_players:
        raise PaxsilicaError(f"Shapley value needs 2^{n} solves; at most {max_players} "
                             "members (raise max_players or use partners/benefit)")
    cost: dict[frozenset[str], float] = {frozenset(): 0.0}
    total = 2 ** n - 1
    for size in range(1, n + 1):
        for subset in combinations(players, size):
            if progress is not None:
                progress(len(cost) - 1, total)
            result = solve(build(restrict(problem, set(subset))), duals=False, mip_gap=mip_gap)
            if result.objective is None:
                raise PaxsilicaError(f"no plan for the members {', '.join(subset)} alone "
                                     f"({result.status}); the Shapley value is undefined")
            cost[frozenset(subset)] = result.objective
    if progress is not None:
        progress(total, total)
    rows = []
    for m in players:
        others = [p for p in players if p != m]
        value = 0.0
        for size in range(n):
            weight = factorial(size) * factorial(n - size - 1) / factorial(n)
            for subset in combinations(others, size):
                s = frozenset(subset)
                value += weight * (cost[s | {m}] - cost[s])
        rows.append({"country": m, "shapley_cost": value, "standalone_cost": cost[frozenset([m])]})
    table = pd.DataFrame(rows)
    table["saving"] = table["standalone_cost"] - table["shapley_cost"]
    return table


def share_costs(result: PlanResult, problem: Problem, method: str = "partners",
                **options: object) -> pd.DataFrame:
    """Cost shares by ``method``: ``partners``, ``benefit`` or ``shapley``."""
    if method == "partners":
        return by_partners(result.builds)
    if method == "benefit":
        return by_benefit(result, problem)
    if method == "shapley":
        return shapley(problem, **options)  # type: ignore[arg-type]
    raise PaxsilicaError(f"unknown cost-sharing method {method!r} (partners, benefit, shapley)")
