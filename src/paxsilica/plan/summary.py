"""Summaries of a solved plan for reports: concern share per member before and after, who
bears unmet demand, and the bundled example solved once per network (with its cost game).

Example:
    >>> import pandas as pd
    >>> flows = pd.DataFrame({"scenario": ["base"] * 3, "year": [2026, 2026, 2031],
    ...     "member": ["USA"] * 3, "item": ["gallium"] * 3, "country": ["CHN", "JPN", "JPN"],
    ...     "quantity": [3.0, 1.0, 4.0]})
    >>> table = concern_share_change(flows, pd.DataFrame(columns=flows.columns), ["CHN"])
    >>> table[["before", "after"]].values.tolist()
    [[0.75, 0.0]]
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from weakref import WeakKeyDictionary

import pandas as pd

from paxsilica.model.network import StackNetwork

__all__ = ["EXAMPLE", "ExampleReport", "concern_share_change", "example_report",
           "unmet_by_member"]

EXAMPLE = "plans/ndpr_magnets.yaml"
"""The bundled example problem, relative to the package's data folder."""


def concern_share_change(flows: pd.DataFrame, unmet: pd.DataFrame, concern: list[str],
                         scenario: str | None = None) -> pd.DataFrame:
    """Share of each member's demand for each item served from concern countries, in the
    first and the last year of the plan (one scenario, default the first in ``flows``).

    Columns: member, item, first_year, last_year, before, after (fractions 0-1 of demand;
    unmet demand counts in the denominator).
    """
    columns = ["member", "item", "first_year", "last_year", "before", "after"]
    if flows.empty:
        return pd.DataFrame(columns=columns)
    scenario = scenario or flows["scenario"].iloc[0]
    flows = flows[flows["scenario"] == scenario]
    unmet = unmet[unmet["scenario"] == scenario] if not unmet.empty else unmet
    keys = ["member", "item", "year"]
    total = flows.groupby(keys)["quantity"].sum()
    if not unmet.empty:
        total = total.add(unmet.groupby(keys)["quantity"].sum(), fill_value=0.0)
    concern_flows = flows[flows["country"].isin(concern)].groupby(keys)["quantity"].sum()
    share = (concern_flows.reindex(total.index).fillna(0.0) / total).rename("share")
    share = share.reset_index()
    first, last = share["year"].min(), share["year"].max()
    before = share[share["year"] == first].set_index(["member", "item"])["share"]
    after = share[share["year"] == last].set_index(["member", "item"])["share"]
    table = pd.DataFrame({"before": before, "after": after}).reset_index()
    table["first_year"], table["last_year"] = first, last
    return table[columns].sort_values(["item", "member"]).reset_index(drop=True)


def unmet_by_member(unmet: pd.DataFrame) -> pd.DataFrame:
    """Unmet demand summed over the years per scenario, member and item: quantity, demand
    (of those years), share, first and last year short.

    >>> unmet = pd.DataFrame({"scenario": ["ban"] * 2, "year": [2028, 2029],
    ...     "member": ["USA"] * 2, "item": ["x"] * 2, "quantity": [5.0, 5.0],
    ...     "demand": [10.0, 10.0], "share": [0.5, 0.5], "priority": [0, 0]})
    >>> row = unmet_by_member(unmet).iloc[0]
    >>> float(row["quantity"]), float(row["share"]), int(row["first_year"])
    (10.0, 0.5, 2028)
    """
    columns = ["scenario", "member", "item", "quantity", "demand", "share", "first_year",
               "last_year"]
    if unmet.empty:
        return pd.DataFrame(columns=columns)
    grouped = unmet.groupby(["scenario", "member", "item"])
    table = pd.DataFrame({"quantity": grouped["quantity"].sum(),
                          "demand": grouped["demand"].sum(),
                          "first_year": grouped["year"].min(),
                          "last_year": grouped["year"].max()}).reset_index()
    table["share"] = table["quantity"] / table["demand"]
    return table[columns]


@dataclass(frozen=True, eq=False)
class ExampleReport:
    """The bundled example solved, with its cost game (None if it could not be played)."""

    problem: object
    result: object
    game: object | None
    error: str | None = None


_EXAMPLES: WeakKeyDictionary[StackNetwork, ExampleReport] = WeakKeyDictionary()
_BY_CONTENT: dict[str, ExampleReport] = {}
CACHED = 4
"""Example answers kept per process (by the content of the network's tables,
:attr:`StackNetwork.digest <paxsilica.model.network.StackNetwork.digest>`)."""


def _solve_example(net: StackNetwork) -> ExampleReport:
    from paxsilica.errors import PaxsilicaError
    from paxsilica.plan.game import cost_game
    from paxsilica.plan.load import load_problem
    from paxsilica.plan.model import build
    from paxsilica.plan.solve import solve

    path = resources.files("paxsilica.data").joinpath(EXAMPLE)
    problem = load_problem(path, net)
    result = solve(build(problem), duals=False, forced_values=0)
    game, error = None, None
    if result.objective is not None:
        try:
            game = cost_game(problem, mip_gap=1e-4, plan_objective=result.objective)
        except PaxsilicaError as exc:
            error = str(exc)
    return ExampleReport(problem, result, game, error)


def example_report(net: StackNetwork) -> ExampleReport:
    """The bundled example on ``net``: loaded, solved (no duals; loss avoided per build and
    stockpile) and its cost game (about 20 solves). Computed once per network object and
    kept for networks with the same tables (a process building several reports of the same
    data solves it once) and on disk (:mod:`paxsilica.io.result_cache`: the next process with
    the same data and the same paxsilica reads it)."""
    from paxsilica.io.result_cache import cached

    if net in _EXAMPLES:
        return _EXAMPLES[net]
    key = net.digest
    if key in _BY_CONTENT:
        _EXAMPLES[net] = _BY_CONTENT[key]
        return _BY_CONTENT[key]
    report = cached("plan-example", key, lambda: _solve_example(net))
    _EXAMPLES[net] = report
    while len(_BY_CONTENT) >= CACHED:
        _BY_CONTENT.pop(next(iter(_BY_CONTENT)))
    _BY_CONTENT[key] = report
    return report
