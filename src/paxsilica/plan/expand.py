"""Coalition expansion: which candidate countries would close most of the gap if they joined.

From the store's cited production shares (latest year per item, as of a date), each
candidate (a country that is neither a member nor of concern) raises the coalition's
coverage of an item by its own share. The best set of ``k`` candidates maximises

    Σ_i y_i + α Σ_i Σ_c share[i, c] x_c,   α = 1 / (number of items + 1)

over binary x_c (join) and y_i (item covered), with Σ_c x_c ≤ k and
threshold · y_i ≤ coverage_i + Σ_c share[i, c] x_c: first the number of items whose
coalition coverage reaches ``threshold``, then the coverage gained (a max-coverage
MILP solved by HiGHS). A greedy pick (best marginal gain, ``k`` times) is reported
next to it. ``concern_reliance`` is concern share / (concern share + coalition share):
of the supply held by the two blocs, the part in countries of concern.

Example:
    >>> from paxsilica.plan.load import bundled_network
    >>> out = expand_coalition(bundled_network(), "gallium", 1, as_of="2026-06-01")
    >>> out.chosen, out.chosen == out.greedy
    (['RUS'], True)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import linopy
import numpy as np
import pandas as pd
import xarray as xr

from paxsilica.analytics.exposure import exposure
from paxsilica.errors import NotFoundError
from paxsilica.model.country import is_country
from paxsilica.model.network import StackNetwork
from paxsilica.plan.solve import solver_output_to_stderr

__all__ = ["Expansion", "expand_coalition"]


@dataclass(frozen=True, eq=False)
class Expansion:
    """Ranking of single candidates and the best set of ``k`` (MILP and greedy)."""

    ranking: pd.DataFrame
    """candidate, items, coverage_gain (sum over items), best_item, best_gain."""
    items: pd.DataFrame
    """Per item: coverage and concern_reliance before and after the chosen set joins."""
    chosen: list[str]
    greedy: list[str]
    objective: float
    greedy_objective: float

    def to_dict(self) -> dict[str, object]:
        def records(frame: pd.DataFrame) -> list[dict[str, object]]:
            return [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
                    for row in frame.to_dict("records")]
        return {"chosen": self.chosen, "greedy": self.greedy, "objective": self.objective,
                "greedy_objective": self.greedy_objective, "items": records(self.items),
                "ranking": records(self.ranking)}


def _shares(net: StackNetwork, items: list[str], stage: str | None, group: str, concern: str,
            as_of: date | str | None) -> pd.DataFrame:
    frames = [exposure(net, item=item, stage=stage, group=group, concern=concern,
                       as_of=as_of, latest=True) for item in items]
    table = pd.concat(frames, ignore_index=True)
    table["key"] = table["item"] + "@" + table["stage"] + ":" + table["year"].astype(str)
    return table.drop_duplicates(["key", "country"])


def _score(gain: np.ndarray, base: np.ndarray, chosen: np.ndarray, threshold: float,
           alpha: float) -> float:
    after = base + gain[:, chosen].sum(axis=1)
    return float((after >= threshold - 1e-12).sum() + alpha * gain[:, chosen].sum())


def expand_coalition(net: StackNetwork, item: str | list[str], k: int, *,
                     stage: str | None = None, group: str = "pax_silica",
                     concern: str = "countries_of_concern", as_of: date | str | None = None,
                     threshold: float = 0.5, candidates: list[str] | None = None) -> Expansion:
    """Rank candidate members for ``item`` (one or several) and pick the best ``k``.

    ``threshold``: coverage (fraction 0-1) an item must reach to count as covered.
    ``candidates``: ISO3 codes to consider (default: every producing non-member that is
    not of concern).
    """
    items = [item] if isinstance(item, str) else list(item)
    table = _shares(net, items, stage, group, concern, as_of)
    outside = table[table["country"].map(is_country) & ~table["is_member"]
                    & ~table["is_concern"] & (table["share"] > 0)]
    if candidates is not None:
        outside = outside[outside["country"].isin(candidates)]
    if outside.empty:
        raise NotFoundError(f"no candidate country produces {', '.join(items)} in the data")
    keys = pd.Index(sorted(set(table["key"])), name="item")
    names = pd.Index(sorted(set(outside["country"])), name="candidate")
    gain = (outside.pivot_table(index="key", columns="country", values="share", aggfunc="sum")
            .reindex(index=keys, columns=names).fillna(0.0).to_numpy())
    first = table.groupby("key").first().reindex(keys)
    base = first["coalition_share"].to_numpy(dtype=float)
    concern_share = first["concern_share"].to_numpy(dtype=float)
    chosen, greedy, objective, greedy_objective = best_set(gain, base, k, threshold)
    after = base + gain[:, chosen].sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        reliance = lambda cov: np.where(concern_share + cov > 0,  # noqa: E731
                                        concern_share / (concern_share + cov), 0.0)
        rows = pd.DataFrame({"item": keys, "coverage_before": base, "coverage_after": after,
                             "concern_share": concern_share,
                             "concern_reliance_before": reliance(base),
                             "concern_reliance_after": reliance(after),
                             "covered": after >= threshold - 1e-12})
    ranking = pd.DataFrame({"candidate": names, "coverage_gain": gain.sum(axis=0),
                            "items": (gain > 0).sum(axis=0),
                            "best_item": keys.to_numpy()[gain.argmax(axis=0)],
                            "best_gain": gain.max(axis=0)})
    ranking = ranking.sort_values(["coverage_gain", "candidate"], ascending=[False, True])
    return Expansion(ranking.reset_index(drop=True), rows, sorted(names[chosen]),
                     sorted(names[greedy]), objective, greedy_objective)


def best_set(gain: np.ndarray, base: np.ndarray, k: int,
             threshold: float) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Best ``k`` columns of ``gain`` (item × candidate shares) by the MILP, and greedily.

    Returns (MILP choice, greedy choice, MILP objective, greedy objective).

    Candidate 0 covers items 0-3 alone, yet 1 and 2 together cover all six:

    >>> gain = np.array([[.5, .5, 0], [.5, .5, 0], [.5, 0, .5], [.5, 0, .5], [0, .5, 0],
    ...                  [0, 0, .5]])
    >>> milp, greedy, a, b = best_set(gain, np.zeros(6), 2, 0.5)
    >>> milp.tolist(), greedy.tolist(), a > b
    ([1, 2], [0, 1], True)
    """
    alpha = 1.0 / (len(base) + 1)
    k = max(0, min(int(k), gain.shape[1]))
    keys = pd.Index([f"i{n}" for n in range(gain.shape[0])], name="item")
    names = pd.Index([f"c{n}" for n in range(gain.shape[1])], name="candidate")
    chosen = _milp(gain, base, k, threshold, alpha, keys, names)
    greedy: list[int] = []
    for _ in range(k):
        rest = [c for c in range(gain.shape[1]) if c not in greedy]
        greedy.append(max(rest, key=lambda c: _score(gain, base, np.array([*greedy, c]),
                                                     threshold, alpha)))
    picked = np.array(sorted(greedy), dtype=int)
    return (chosen, picked, _score(gain, base, chosen, threshold, alpha),
            _score(gain, base, picked, threshold, alpha))


def _milp(gain: np.ndarray, base: np.ndarray, k: int, threshold: float, alpha: float,
          keys: pd.Index, names: pd.Index) -> np.ndarray:
    m = linopy.Model()
    join = m.add_variables(binary=True, coords=[names], name="Candidate-join")
    covered = m.add_variables(binary=True, coords=[keys], name="Item-covered")
    shares = xr.DataArray(gain, coords=[keys, names])
    m.add_constraints(join.sum() <= k, name="Candidate-count")
    m.add_constraints(threshold * covered - (shares * join).sum("candidate")
                      <= xr.DataArray(base, coords=[keys]), name="Item-coverage")
    m.add_objective(covered.sum() + alpha * (shares * join).sum(), sense="max")
    with solver_output_to_stderr():
        m.solve(solver_name="highs", io_api="direct", output_flag=False, mip_rel_gap=0.0)
    return np.flatnonzero(join.solution.values > 0.5)
