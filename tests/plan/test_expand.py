"""Coalition expansion: eligibility, concern-owned supply (50 % rule), ranking by the
coalition's unmet need with a reason per rank; the MILP against brute force."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pandas as pd
import pytest

from paxsilica.errors import NotFoundError
from paxsilica.plan.expand import _ranking, _score, best_set, expand_coalition


def brute_force(gain: np.ndarray, need: np.ndarray, k: int, threshold: float) -> float:
    alpha = 1.0 / (len(need) + 1)
    return max(_score(gain, need, np.array(c, dtype=int), threshold, alpha)
               for c in itertools.combinations(range(gain.shape[1]), k))


def test_milp_beats_greedy_where_greedy_is_myopic():
    gain = np.array([[.5, .5, 0], [.5, .5, 0], [.5, 0, .5], [.5, 0, .5], [0, .5, 0],
                     [0, 0, .5]])
    milp, greedy, objective, greedy_objective = best_set(gain, np.ones(6), 2, 0.5)
    assert milp.tolist() == [1, 2] and greedy.tolist() == [0, 1]
    assert objective > greedy_objective
    assert objective == pytest.approx(brute_force(gain, np.ones(6), 2, 0.5))


@pytest.mark.parametrize("seed", range(8))
def test_milp_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    gain = rng.random((4, 6)) * (rng.random((4, 6)) < 0.5) * 0.3
    need = rng.random(4) * 0.4 * (rng.random(4) < 0.9)
    milp, greedy, objective, greedy_objective = best_set(gain, need, 3, 0.45)
    assert objective == pytest.approx(brute_force(gain, need, 3, 0.45))
    assert greedy_objective <= objective + 1e-12
    assert len(milp) <= 3 and len(greedy) == 3


def test_need_caps_what_a_large_producer_is_worth():
    # X has the largest share (0.5) but only of item 0, whose need is 0.05; Y has 0.2 of
    # each item and covers both needs: ranked by need covered, Y comes first
    keys = pd.Index(["i0", "i1"], name="key")
    gain = np.array([[0.5, 0.2], [0.0, 0.2]])
    eligible = pd.DataFrame({"country": ["USA"], "key": ["i0"], "owned_share": [0.0]})
    ranking = _ranking(pd.Index(["XXA", "YYB"]), keys, gain, np.array([0.05, 0.2]), eligible)
    assert ranking["candidate"].tolist() == ["YYB", "XXA"]
    assert ranking["need_covered"].tolist() == pytest.approx([2.0, 1.0])


def test_rare_earth_candidates_are_eligible_and_explained(net):
    out = expand_coalition(net, "rare_earth_ore", 2, as_of="2026-06-01")
    # USGS MCS 2026 shares for 2025: Myanmar (5.6 %) and Russia are sanctioned, China of
    # concern; Thailand (1.2 %) and Madagascar (0.7 %) are the largest eligible producers
    assert out.chosen == ["MDG", "THA"] == out.greedy
    excluded = out.excluded.set_index("country")["reason"]
    assert "sanctioned" in excluded["MMR"] and "sanctioned" in excluded["RUS"]
    assert "concern" in excluded["CHN"] and "member" in excluded["USA"]
    assert not {"MMR", "RUS", "CHN", "PRK"} & set(out.ranking["candidate"])
    top = out.ranking.iloc[0]
    assert top["candidate"] == "THA" and top["rank"] == 1
    assert "Thailand" in top["reason"] and "unmet need" in top["reason"]
    row = out.items.iloc[0]
    assert row["need_basis"].startswith("assumed") and row["need"] == pytest.approx(
        row["concern_share"])
    assert any("no coalition use" in w for w in out.warnings)
    assert row["concern_reliance_after"] < row["concern_reliance_before"]
    # the exclusion is overridable: without the sanctioned group Myanmar ranks first
    free = expand_coalition(net, "rare_earth_ore", 1, as_of="2026-06-01", exclude=[])
    assert free.chosen == ["MMR"]


def test_coalition_use_sets_the_need(net):
    # a coalition using 25 % of world output produces 21.3 % itself: need 3.7 %
    out = expand_coalition(net, "rare_earth_ore", 2, as_of="2026-06-01", threshold=0.5,
                           use={"rare_earth_ore": 0.25})
    row = out.items.iloc[0]
    assert row["need"] == pytest.approx(0.25 - row["coalition_share"])
    assert row["need_basis"] == "coalition use - member production"
    assert row["need_covered"] == pytest.approx((0.012308 + 0.006923) / row["need"], rel=1e-3)
    assert not out.warnings


def owned_abroad(net):
    """A Chinese company owning 60 000 t of Congolese cobalt outright and, through a Dutch
    holding it owns 60 % of, 22 000 t in Indonesia (invented test rows, not bundled data;
    the world is 310 000 t in USGS MCS 2026 for 2025)."""
    companies = pd.concat([net.companies, pd.DataFrame([
        {"company_id": "cn_miner", "name": "CN Miner Co.", "country": "CHN", "aliases": [],
         "identifiers": [], "source": "test", "confidence": "low", "basis": "assumption"},
        {"company_id": "nl_holding", "name": "NL Holding B.V.", "country": "NLD", "aliases": [],
         "identifiers": [], "source": "test", "confidence": "low", "basis": "assumption"}])],
        ignore_index=True)
    ownership = pd.concat([net.ownership, pd.DataFrame([
        {"owner_id": "cn_miner", "owned_id": "nl_holding", "percentage": 60.0,
         "source": "test", "confidence": "low", "basis": "assumption"}])], ignore_index=True)
    rows = pd.DataFrame([
        {"item_id": "cobalt_ore", "stage": None, "country": "COD", "company": "CN Miner Co.",
         "facility_id": None, "year": 2025, "quantity": 60000.0, "share": None,
         "basis": "assumption", "source": "test", "confidence": "low"},
        {"item_id": "cobalt_ore", "stage": None, "country": "IDN", "company": "nl holding b.v.",
         "facility_id": None, "year": 2025, "quantity": 22000.0, "share": None,
         "basis": "assumption", "source": "test", "confidence": "low"}])
    supplies = pd.concat([net.supplies, rows], ignore_index=True)
    return dataclasses.replace(net, companies=companies, ownership=ownership,
                               supplies=supplies)


def test_supply_owned_by_companies_of_concern_counts_as_concern(net):
    plain = expand_coalition(net, "cobalt_ore", 1, as_of="2026-06-01")
    owned = expand_coalition(owned_abroad(net), "cobalt_ore", 1, as_of="2026-06-01")
    share = lambda out, c: out.ranking.set_index("candidate").loc[c, "supply_share"]  # noqa: E731
    assert share(plain, "COD") - share(owned, "COD") == pytest.approx(60000 / 310000)
    # the holding is controlled (60 % ≥ 50 %), so all of its Indonesian output counts
    assert share(plain, "IDN") - share(owned, "IDN") == pytest.approx(22000 / 310000)
    cod = owned.ranking.set_index("candidate").loc["COD", "reason"]
    assert "owned by companies of concern and not counted" in cod
    shift = owned.items.iloc[0]["concern_share"] - plain.items.iloc[0]["concern_share"]
    assert shift == pytest.approx(82000 / 310000)
    # below the 50 % rule nothing is attributed
    weaker = owned_abroad(net)
    weaker.ownership.loc[weaker.ownership["owned_id"] == "nl_holding", "percentage"] = 40.0
    out = expand_coalition(weaker, "cobalt_ore", 1, as_of="2026-06-01")
    assert share(out, "IDN") == pytest.approx(share(plain, "IDN"))


def test_unknown_item_and_no_candidates(net):
    with pytest.raises(NotFoundError):
        expand_coalition(net, "unobtainium", 1)
    with pytest.raises(NotFoundError, match="no eligible candidate"):
        expand_coalition(net, "gallium", 1, as_of="2026-06-01")  # China, Russia, members


def test_bad_use_and_groups_are_refused(net):
    from paxsilica.errors import ParameterError

    for bad in (float("nan"), -0.1, 1.5, "a lot"):
        with pytest.raises(ParameterError, match="use of rare_earth_ore"):
            expand_coalition(net, "rare_earth_ore", 1, use={"rare_earth_ore": bad})
    with pytest.raises(NotFoundError, match="unknown group"):
        expand_coalition(net, "rare_earth_ore", 1, exclude=["no_such_group"])


def test_need_from_consumption_shares(net):
    # invented consumption rows (the bundled data have none for rare earths yet): members
    # using 20 % + 10 % of world output need 30 % less what they produce themselves
    rows = pd.DataFrame([{"item_id": "rare_earth_ore", "parameter": "consumption_share",
                          "country": c, "year": 2025, "value": v, "unit": "share",
                          "basis": "assumption", "confidence": "low", "source": "test"}
                         for c, v in (("USA", 0.2), ("JPN", 0.1), ("CHN", 0.5))])
    table = pd.concat([net.item_parameters, rows], ignore_index=True)
    out = expand_coalition(dataclasses.replace(net, item_parameters=table), "rare_earth_ore",
                           1, as_of="2026-06-01")
    row = out.items.iloc[0]
    assert row["use"] == pytest.approx(0.3)  # China is not a member
    assert row["need"] == pytest.approx(0.3 - row["coalition_share"])
    assert row["need_basis"] == "coalition use - member production" and not out.warnings
