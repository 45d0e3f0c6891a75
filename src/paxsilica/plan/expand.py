"""Coalition expansion: which eligible countries would close most of the coalition's unmet
import need if they joined.

From the store's cited production shares (latest year per item, as of a date):
candidates are producing countries that are eligible (:mod:`paxsilica.plan.eligibility`:
not members, not of concern, not in an excluded group such as ``sanctioned``); supply
owned by companies of concern (50 % rule) counts as concern supply, not as the
candidate's. Each item i has an unmet import need n_i (share of world output: the
coalition's use minus members' own production; assumed equal to the concern share
without consumption data). A candidate c joining secures its eligible share s_ic; the
coalition covers z_i = min(n_i, Σ_c s_ic x_c) of the need. The best set of ``k``
maximises

    Σ_i y_i + α Σ_i z_i / n_i,   α = 1 / (number of items + 1)
    s.t. Σ_c x_c ≤ k,  z_i ≤ n_i,  z_i ≤ Σ_c s_ic x_c,  threshold · n_i · y_i ≤ z_i

— first the number of items whose need is covered to ``threshold``, then the fraction
of need covered (a MILP on HiGHS); a greedy pick is reported next to it. Candidates are
ranked by the fraction of need each covers alone (summed over items), each with its
reason; excluded producers are listed with theirs.

Example:
    >>> from paxsilica.plan.load import bundled_network
    >>> out = expand_coalition(bundled_network(), "rare_earth_ore", 1, as_of="2026-06-01")
    >>> out.chosen, sorted(set(out.excluded["country"]) & {"MMR", "RUS", "PRK"})
    (['THA'], ['MMR', 'RUS'])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import linopy
import numpy as np
import pandas as pd
import xarray as xr

from paxsilica.analytics.exposure import exposure
from paxsilica.errors import NotFoundError, ParameterError
from paxsilica.model.country import country_name, is_country
from paxsilica.model.network import StackNetwork, as_date
from paxsilica.plan.eligibility import concern_owned, exclusions, unmet_need
from paxsilica.plan.highs import solver_output_to_stderr

__all__ = ["Expansion", "best_set", "expand_coalition"]


@dataclass(frozen=True, eq=False)
class Expansion:
    """Ranking of single candidates and the best set of ``k`` (MILP and greedy)."""

    ranking: pd.DataFrame
    """rank, candidate, need_covered (Σ over items of the fraction of need it covers),
    items, best_item, supply_share, reason."""
    items: pd.DataFrame
    """Per item: use, coalition and concern shares, need, and coverage after the chosen
    set joins (concern reliance before and after)."""
    chosen: list[str]
    greedy: list[str]
    objective: float
    greedy_objective: float
    excluded: pd.DataFrame = field(default_factory=pd.DataFrame)
    """country, item, share, reason: producers that are not candidates, and why."""
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        def records(frame: pd.DataFrame) -> list[dict[str, object]]:
            clean = frame.astype(object).where(frame.notna(), None)
            return [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
                    for row in clean.to_dict("records")]
        return {"chosen": self.chosen, "greedy": self.greedy, "objective": self.objective,
                "greedy_objective": self.greedy_objective, "warnings": self.warnings,
                "items": records(self.items), "ranking": records(self.ranking),
                "excluded": records(self.excluded)}


def _shares(net: StackNetwork, items: list[str], stage: str | None, group: str, concern: str,
            as_of: date) -> pd.DataFrame:
    frames = [exposure(net, item=item, stage=stage, group=group, concern=concern,
                       as_of=as_of, latest=True) for item in items]
    table = pd.concat(frames, ignore_index=True)
    table["key"] = table["item"] + "@" + table["stage"] + ":" + table["year"].astype(str)
    return table.drop_duplicates(["key", "country"])


def _score(gain: np.ndarray, need: np.ndarray, chosen: np.ndarray, threshold: float,
           alpha: float) -> float:
    covered = np.minimum(gain[:, chosen].sum(axis=1), need) / np.where(need > 0, need, 1.0)
    counted = need > 0
    return float((covered[counted] >= threshold - 1e-12).sum() + alpha * covered[counted].sum())


def _with_ownership(net: StackNetwork, table: pd.DataFrame, concern: set[str]) -> pd.DataFrame:
    """Shares less what companies of concern own (``owned``), and item-level concern and
    coalition shares adjusted for it."""
    owned = concern_owned(net, concern, table)
    table = table.merge(owned[["item", "stage", "year", "country", "owned_share", "owners"]],
                        on=["item", "stage", "year", "country"], how="left")
    table["owned_share"] = table["owned_share"].fillna(0.0).clip(upper=table["share"])
    table.loc[table["is_concern"], "owned_share"] = 0.0  # already concern supply
    table["own_share"] = table["share"] - table["owned_share"]
    abroad = table.groupby("key")["owned_share"].sum()
    in_members = table[table["is_member"]].groupby("key")["owned_share"].sum()
    table["concern_share"] = table["concern_share"] + table["key"].map(abroad).fillna(0.0)
    table["coalition_share"] = table["coalition_share"] - table["key"].map(in_members).fillna(0.0)
    return table


def expand_coalition(net: StackNetwork, item: str | list[str], k: int, *,
                     stage: str | None = None, group: str = "pax_silica",
                     concern: str = "countries_of_concern",
                     exclude: list[str] | tuple[str, ...] = ("sanctioned",),
                     as_of: date | str | None = None, threshold: float = 0.5,
                     candidates: list[str] | None = None,
                     use: dict[str, float] | None = None) -> Expansion:
    """Rank eligible candidates for ``item`` (one or several) and pick the best ``k``.

    ``exclude``: groups whose members are not eligible (default ``sanctioned``; ``[]``
    to consider them). ``threshold``: fraction 0-1 of an item's need that counts it
    covered. ``candidates``: ISO3 codes to consider (default: every eligible producer).
    ``use``: item -> the coalition's use, share of world output (default: the store's
    consumption shares).
    """
    day = as_date(as_of)
    items = [item] if isinstance(item, str) else list(item)
    for name, share in (use or {}).items():
        if not (isinstance(share, int | float) and 0 <= share <= 1):
            raise ParameterError(f"use of {name}: a share of world output within 0-1, "
                                 f"not {share!r}", field="use")
    concern_set = set(net.members(concern, day))
    table = _with_ownership(net, _shares(net, items, stage, group, concern, day), concern_set)
    producers = table[table["share"] > 0]
    reasons = exclusions(net, sorted(set(producers["country"])), concern, list(exclude), group,
                         day)
    def why(row: pd.Series) -> str | None:
        if not is_country(row["country"]):
            return "a region, not a country"
        if row["country"] in reasons:
            return reasons[row["country"]]
        if row["own_share"] <= 1e-12:
            return f"all its supply owned by companies of concern ({', '.join(row['owners'])})"
        return None
    producers = producers.assign(reason=producers.apply(why, axis=1))
    eligible = producers[producers["reason"].isna()]
    if candidates is not None:
        eligible = eligible[eligible["country"].isin(candidates)]
    if eligible.empty:
        raise NotFoundError(f"no eligible candidate country produces {', '.join(items)} in "
                            "the data")
    keys = pd.Index(sorted(set(table["key"])), name="key")
    first = table.groupby("key").first().reindex(keys)
    members = set(net.members(group, day))
    summary = first.reset_index()[["key", "item", "coalition_share", "concern_share"]]
    used, needs, warnings = unmet_need(net, summary, members, use, day)
    names = pd.Index(sorted(set(eligible["country"])), name="candidate")
    gain = (eligible.pivot_table(index="key", columns="country", values="own_share",
                                 aggfunc="sum").reindex(index=keys, columns=names)
            .fillna(0.0).to_numpy())
    need = needs.reindex(keys).to_numpy(dtype=float)
    chosen, greedy, objective, greedy_objective = best_set(gain, need, k, threshold)
    items_table = _items_table(keys, first, used, need, gain, chosen)
    ranking = _ranking(names, keys, gain, need, eligible)
    excluded = producers[producers["reason"].notna()][["country", "key", "share", "reason"]]
    excluded = excluded.rename(columns={"key": "item"}).sort_values(
        ["item", "share"], ascending=[True, False]).reset_index(drop=True)
    return Expansion(ranking, items_table, sorted(names[chosen]), sorted(names[greedy]),
                     objective, greedy_objective, excluded, sorted(set(warnings)))


def _items_table(keys: pd.Index, first: pd.DataFrame, used: pd.Series, need: np.ndarray,
                 gain: np.ndarray, chosen: np.ndarray) -> pd.DataFrame:
    secured = gain[:, chosen].sum(axis=1)
    concern = first["concern_share"].to_numpy(dtype=float)
    coalition = first["coalition_share"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        covered = np.where(need > 0, np.minimum(secured, need) / need, 1.0)
        before = np.where(concern + coalition > 0, concern / (concern + coalition), 0.0)
        after = np.where(concern + coalition + secured > 0,
                         concern / (concern + coalition + secured), 0.0)
    return pd.DataFrame({"key": keys, "item": first["item"].to_numpy(),
                         "use": used.reindex(keys).to_numpy(dtype=float),
                         "coalition_share": coalition, "concern_share": concern,
                         "need": need, "need_basis": np.where(
                             used.reindex(keys).isna().to_numpy(), "assumed: concern share",
                             "coalition use - member production"),
                         "secured": secured, "need_covered": covered,
                         "concern_reliance_before": before, "concern_reliance_after": after})


def _ranking(names: pd.Index, keys: pd.Index, gain: np.ndarray, need: np.ndarray,
             eligible: pd.DataFrame) -> pd.DataFrame:
    with np.errstate(divide="ignore", invalid="ignore"):
        covered = np.where(need[:, None] > 0, np.minimum(gain, need[:, None]) / need[:, None],
                           0.0)
    total = covered.sum(axis=0)
    best = covered.argmax(axis=0)
    rows = []
    for c, name in enumerate(names):
        i = best[c]
        owners = eligible[(eligible["country"] == name) & (eligible["key"] == keys[i])]
        owned = float(owners["owned_share"].sum())
        text = (f"{country_name(name)}: {_pct(gain[i, c])} of world {keys[i]} is eligible "
                f"supply, covering {_pct(covered[i, c])} of the coalition's unmet need "
                f"({_pct(need[i])} of world output)")
        if owned > 0:
            text += f"; {_pct(owned)} more is owned by companies of concern and not counted"
        rows.append({"candidate": name, "need_covered": float(total[c]),
                     "items": int((gain[:, c] > 0).sum()), "best_item": keys[i],
                     "supply_share": float(gain[:, c].sum()), "reason": text})
    ranking = pd.DataFrame(rows).sort_values(["need_covered", "supply_share", "candidate"],
                                             ascending=[False, False, True])
    ranking.insert(0, "rank", range(1, len(ranking) + 1))
    return ranking.reset_index(drop=True)


def _pct(value: float) -> str:
    """A share as a percentage with two significant digits below 1 %.

    >>> _pct(0.000385), _pct(0.0123)
    ('0.038%', '1.2%')
    """
    return f"{value * 100:.2g}%" if abs(value) < 0.01 else f"{value:.1%}"


def best_set(gain: np.ndarray, need: np.ndarray, k: int,
             threshold: float) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Best ``k`` columns of ``gain`` (item × candidate shares) against ``need`` (item,)
    by the MILP, and greedily. Returns (MILP choice, greedy choice, their objectives).

    Candidate 0 covers items 0-3 alone, yet 1 and 2 together cover all six:

    >>> gain = np.array([[.5, .5, 0], [.5, .5, 0], [.5, 0, .5], [.5, 0, .5], [0, .5, 0],
    ...                  [0, 0, .5]])
    >>> milp, greedy, a, b = best_set(gain, np.ones(6), 2, 0.5)
    >>> milp.tolist(), greedy.tolist(), a > b
    ([1, 2], [0, 1], True)
    """
    alpha = 1.0 / (len(need) + 1)
    k = max(0, min(int(k), gain.shape[1]))
    chosen = _milp(gain, need, k, threshold, alpha)
    greedy: list[int] = []
    for _ in range(k):
        rest = [c for c in range(gain.shape[1]) if c not in greedy]
        greedy.append(max(rest, key=lambda c: _score(gain, need, np.array([*greedy, c]),
                                                     threshold, alpha)))
    picked = np.array(sorted(greedy), dtype=int)
    return (chosen, picked, _score(gain, need, chosen, threshold, alpha),
            _score(gain, need, picked, threshold, alpha))


def _milp(gain: np.ndarray, need: np.ndarray, k: int, threshold: float,
          alpha: float) -> np.ndarray:
    counted = need > 0
    keys = pd.Index([f"i{n}" for n in np.flatnonzero(counted)], name="item")
    names = pd.Index([f"c{n}" for n in range(gain.shape[1])], name="candidate")
    if not counted.any():
        return np.zeros(0, dtype=int)
    n = need[counted]
    m = linopy.Model()
    join = m.add_variables(binary=True, coords=[names], name="Candidate-join")
    covered = m.add_variables(binary=True, coords=[keys], name="Item-covered")
    secured = m.add_variables(lower=0, upper=xr.DataArray(n, coords=[keys]), coords=[keys],
                              name="Need-secured")
    shares = xr.DataArray(gain[counted], coords=[keys, names])
    m.add_constraints(join.sum() <= k, name="Candidate-count")
    m.add_constraints(secured - (shares * join).sum("candidate") <= 0, name="Need-supply")
    m.add_constraints(threshold * xr.DataArray(n, coords=[keys]) * covered - secured <= 0,
                      name="Item-coverage")
    m.add_objective(covered.sum() + alpha * (secured / xr.DataArray(n, coords=[keys])).sum(),
                    sense="max")
    with solver_output_to_stderr():
        m.solve(solver_name="highs", io_api="direct", output_flag=False, mip_rel_gap=0.0)
    return np.flatnonzero(join.solution.values > 0.5)
