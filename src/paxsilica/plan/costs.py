"""Who pays: capex of joint projects by partner shares or by benefit, and the Shapley value.

* ``partners``: each built project's capex split by its stated ``partners`` shares;
* ``benefit``: split by the expected, discounted quantity each member receives from the
  project (w_k δ_t f); a project that delivers nothing falls back to partner shares;
* ``shapley``: the whole plan's cost c(N) shared among the members N with demand by the
  Shapley value of the cost game of :mod:`paxsilica.plan.game` (c(S): S alone, with its
  own supply and pro-rata shares of non-members' capacity, under the same targets);
  exact up to 8 members, sampled beyond with a standard error; core checked there.

Example:
    >>> import pandas as pd
    >>> builds = pd.DataFrame({"project": ["p"], "capex": [100.0],
    ...                        "cost_shares": [{"USA": 70.0, "JPN": 30.0}]})
    >>> by_partners(builds)["amount"].tolist()
    [70.0, 30.0]
"""

from __future__ import annotations

import pandas as pd

from paxsilica.errors import PaxsilicaError
from paxsilica.plan.game import cost_game
from paxsilica.plan.problem import Problem
from paxsilica.plan.results import PlanResult

__all__ = ["by_benefit", "by_partners", "shapley", "share_costs"]


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


def shapley(problem: Problem, **options: object) -> pd.DataFrame:
    """Shapley shares of the plan's cost (see :func:`paxsilica.plan.game.cost_game`):
    country, shapley_cost, standalone_cost, saving, std_error."""
    return cost_game(problem, **options).shares  # type: ignore[arg-type]


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
