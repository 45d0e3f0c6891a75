"""Coalition expansion: MILP against brute force, greedy as a comparison, real shares."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from paxsilica.errors import NotFoundError
from paxsilica.plan.expand import _score, best_set, expand_coalition


def brute_force(gain: np.ndarray, base: np.ndarray, k: int, threshold: float) -> float:
    alpha = 1.0 / (len(base) + 1)
    return max(_score(gain, base, np.array(c, dtype=int), threshold, alpha)
               for c in itertools.combinations(range(gain.shape[1]), k))


def test_milp_beats_greedy_where_greedy_is_myopic():
    # max coverage: candidate 0 covers four items alone, 1 and 2 together all six
    gain = np.array([[.5, .5, 0], [.5, .5, 0], [.5, 0, .5], [.5, 0, .5], [0, .5, 0],
                     [0, 0, .5]])
    milp, greedy, objective, greedy_objective = best_set(gain, np.zeros(6), 2, 0.5)
    assert milp.tolist() == [1, 2] and greedy.tolist() == [0, 1]
    assert objective > greedy_objective
    assert objective == pytest.approx(brute_force(gain, np.zeros(6), 2, 0.5))


@pytest.mark.parametrize("seed", range(8))
def test_milp_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    gain = rng.random((4, 6)) * (rng.random((4, 6)) < 0.5) * 0.3
    base = rng.random(4) * 0.3
    milp, greedy, objective, greedy_objective = best_set(gain, base, 3, 0.45)
    assert objective == pytest.approx(brute_force(gain, base, 3, 0.45))
    assert greedy_objective <= objective + 1e-12
    assert len(milp) <= 3 and len(greedy) == 3


def test_rare_earth_candidates_from_cited_production(net):
    out = expand_coalition(net, "rare_earth_ore", 2, as_of="2026-06-01")
    # USGS 2025: Myanmar 22 000 t and Thailand 4 800 t of 390 000 t are the largest
    # producers outside the coalition and China
    assert out.chosen == ["MMR", "THA"] == out.greedy
    row = out.items.iloc[0]
    assert row["coverage_after"] - row["coverage_before"] == pytest.approx(
        (22000 + 4800) / 390000, rel=1e-3)
    assert row["concern_reliance_after"] < row["concern_reliance_before"]
    assert "CHN" not in set(out.ranking["candidate"])
    assert not set(out.ranking["candidate"]) & set(net.members("pax_silica", "2026-06-01"))


def test_unknown_item_and_no_candidates(net):
    with pytest.raises(NotFoundError):
        expand_coalition(net, "unobtainium", 1)
    with pytest.raises(NotFoundError, match="no candidate"):
        expand_coalition(net, "gallium", 1, candidates=["FRA"])
