"""Cost sharing: partner shares, benefit shares, and the cooperative game (Shapley value,
core) against hand-worked games and brute force."""

from __future__ import annotations

from itertools import permutations

import pytest

from paxsilica.errors import PaxsilicaError
from paxsilica.plan.game import coalition_problem, core_check, cost_game, shapley_values
from paxsilica.plan.load import check_problem, parse_problem


def problem(net):
    # USA and JPN each need 60 kg; China is excluded (limit 0). A plant in Viet Nam (no
    # member partner) of 120 (capex 100, cost 1); Australia sells 40 at 3. Alone a member
    # may build the plant (all the capex) but counts on half its output and half of
    # Australia's: 100 + 60 = 160; together 100 + 120 = 220.
    return check_problem(parse_problem({
        "name": "joint", "years": [2026], "concern": ["CHN"],
        "demand": [{"member": "USA", "item": "gallium", "quantity": 60},
                   {"member": "JPN", "item": "gallium", "quantity": 60}],
        "sources": [{"id": "cn", "item": "gallium", "country": "CHN", "capacity": 999,
                     "cost": 1}, {"id": "au", "item": "gallium", "country": "AUS",
                                  "capacity": 40, "cost": 3}],
        "projects": [{"id": "joint", "item": "gallium", "country": "VNM", "capacity": 120,
                      "capex": 100, "cost": 1, "partners": {"USA": 0.75, "JPN": 0.25}}],
        "targets": [{"kind": "max_concern_share", "item": "gallium", "limit": 0.0}]}), net)


def test_partners_and_benefit(net):
    from paxsilica.plan import build, share_costs, solve

    p = problem(net)
    result = solve(build(p))
    by_partner = share_costs(result, p, "partners").set_index("country")["amount"]
    assert by_partner.to_dict() == pytest.approx({"USA": 75.0, "JPN": 25.0})
    by_benefit = share_costs(result, p, "benefit").groupby("country")["amount"].sum()
    assert by_benefit.sum() == pytest.approx(100.0)
    received = result.flows[result.flows["source"] == "joint"].groupby("member")["quantity"].sum()
    assert by_benefit["USA"] / 100 == pytest.approx(received["USA"] / received.sum())


def test_shapley_of_a_symmetric_game(net):
    # the plant's partners are both members: neither may build it alone; each alone gets
    # half of Australia's 40 and cannot meet the China-free target
    with pytest.raises(PaxsilicaError, match="no plan for the members JPN alone"):
        cost_game(problem(net))
    data = problem(net)
    data.projects[0].partners = {}  # a third-country plant anyone may finance
    calls = []
    game = cost_game(data, progress=lambda done, total: calls.append((done, total)))
    table = game.shares.set_index("country")
    assert calls[-1] == (3, 3) and game.exact
    assert table.loc["USA", "standalone_cost"] == pytest.approx(160.0)
    assert table["shapley_cost"].to_dict() == pytest.approx({"USA": 110.0, "JPN": 110.0})
    assert table["saving"].tolist() == pytest.approx([50.0, 50.0])
    assert game.core["in_core"] and not game.core["core_empty"]


def three_players(net):
    """USA, JPN, KOR need 30 kg each; China excluded. Australia sells 60 at 2 (a member
    alone gets 20); a Viet Nam plant of 90 (capex 120, cost 1; no member partner; 30 per
    member); a US plant of 30 (capex 20, cost 1) only coalitions with the USA may use.
    By hand: c(U) = 50 (US plant), c(J) = c(K) = 150 (Viet Nam plant), c(UJ) = c(UK) = 110
    (US plant + 30 from Australia), c(JK) = 180 (Viet Nam plant), c(UJK) = 170
    (US plant + Australia's 60)."""
    return check_problem(parse_problem({
        "name": "three", "years": [2026], "concern": ["CHN"],
        "demand": [{"member": m, "item": "gallium", "quantity": 30} for m in
                   ("USA", "JPN", "KOR")],
        "sources": [{"id": "cn", "item": "gallium", "country": "CHN", "capacity": 999,
                     "cost": 1},
                    {"id": "au", "item": "gallium", "country": "AUS", "capacity": 60,
                     "cost": 2}],
        "projects": [{"id": "vn", "item": "gallium", "country": "VNM", "capacity": 90,
                      "capex": 120, "cost": 1},
                     {"id": "us", "item": "gallium", "country": "USA", "capacity": 30,
                      "capex": 20, "cost": 1}],
        "targets": [{"kind": "max_concern_share", "item": "gallium", "limit": 0.0}]}), net)


HAND = {(): 0, ("USA",): 50, ("JPN",): 150, ("KOR",): 150, ("JPN", "USA"): 110,
        ("KOR", "USA"): 110, ("JPN", "KOR"): 180, ("JPN", "KOR", "USA"): 170}


def brute_force(costs: dict[frozenset, float], names: list[str]) -> dict[str, float]:
    """Average marginal cost over every order of the players."""
    total = dict.fromkeys(names, 0.0)
    orders = list(permutations(names))
    for order in orders:
        before: frozenset = frozenset()
        for m in order:
            total[m] += costs[before | {m}] - costs[before]
            before = before | {m}
    return {m: v / len(orders) for m, v in total.items()}


def test_three_player_game_against_hand_costs_and_brute_force(net):
    game = cost_game(three_players(net))
    got = {tuple(sorted(c.split("+"))): v for c, v in
           zip(game.coalitions["coalition"], game.coalitions["cost"], strict=True)}
    assert got == pytest.approx({k: v for k, v in HAND.items() if k})
    hand = {frozenset(k): v for k, v in HAND.items()}
    expected = brute_force(hand, ["JPN", "KOR", "USA"])
    assert expected == pytest.approx({"USA": 0.0, "JPN": 85.0, "KOR": 85.0})
    assert game.shares.set_index("country")["shapley_cost"].to_dict() == pytest.approx(expected)
    assert (game.shares["saving"] >= 0).all() and game.subadditive_violations == 0
    # tightest coalition: JPN+KOR pay 170 of the 180 they would pay alone
    assert game.core["in_core"] and game.core["max_excess"] == pytest.approx(-10.0)


def test_sampled_shapley_states_its_error(net):
    game = cost_game(three_players(net), max_players=2, samples=40, seed=3)
    assert not game.exact and game.samples == 40
    shares = game.shares.set_index("country")
    assert shares["shapley_cost"].sum() == pytest.approx(170.0)  # every order adds to c(N)
    for member, exact in {"USA": 0.0, "JPN": 85.0, "KOR": 85.0}.items():
        error = shares.loc[member, "std_error"]
        assert error > 0
        assert abs(shares.loc[member, "shapley_cost"] - exact) <= 4 * error
    assert game.core["coalitions_checked"] <= game.core["coalitions"]


def test_core_checks_on_hand_games():
    names = ["a", "b", "c"]
    empty = {frozenset(): 0.0, **{frozenset(x): 1.0 for x in ("a", "b", "c", "ab", "ac", "bc")},
             frozenset("abc"): 1.6}
    phi = shapley_values(empty, names)
    report = core_check(empty, phi, names)
    assert report["core_empty"] and not report["in_core"]  # pairs can pay at most 1.5
    # Shapley outside a non-empty core: the closest core allocation is given instead
    # (by hand: φ = (41/6, 50/6, 17/6); a and c pay 58/6 > c(ac) = 9)
    game = {frozenset(): 0.0, frozenset("a"): 10.0, frozenset("b"): 10.0, frozenset("c"): 10.0,
            frozenset("ab"): 20.0, frozenset("ac"): 9.0, frozenset("bc"): 12.0,
            frozenset("abc"): 18.0}
    phi = shapley_values(game, names)
    assert phi == pytest.approx({"a": 41 / 6, "b": 50 / 6, "c": 17 / 6})
    assert phi == pytest.approx(brute_force(game, names))
    report = core_check(game, phi, names)
    assert not report["core_empty"] and not report["in_core"]
    assert report["blocking_coalition"] == ["a", "c"]
    assert report["max_excess"] == pytest.approx(2 / 3)
    point = report["core_allocation"]
    assert sum(point.values()) == pytest.approx(18.0)
    for size in (1, 2):
        for subset in permutations(names, size):
            assert sum(point[m] for m in subset) <= game[frozenset(subset)] + 1e-7


@pytest.mark.parametrize("seed", range(4))
def test_no_negative_saving_on_random_games(run, net, seed):
    from tests.plan.test_oracle import random_problem

    data = random_problem(seed)
    data["demand"].append({"member": "KOR", "item": "gallium", "quantity": 25.0})
    game = cost_game(check_problem(parse_problem(data), net))
    scale = game.coalitions["cost"].abs().max()
    assert game.subadditive_violations == 0
    assert (game.shares["saving"] >= -1e-6 * scale).all(), game.shares


def test_coalition_problem_keeps_own_and_shares_third_party(net):
    p = three_players(net)
    alone = coalition_problem(p, {"JPN"})
    assert [d.member for d in alone.demand] == ["JPN"]
    assert {s.id: s.capacity for s in alone.sources}["au"] == pytest.approx(20.0)
    assert "cn" in {s.id for s in alone.sources}  # non-members sell, targets still apply
    assert {q.id: q.capacity for q in alone.projects} == pytest.approx({"vn": 30.0})
    assert set(alone.coalition) == {"JPN", "KOR", "USA"}


def test_bad_method_and_too_many_players(net):
    from paxsilica.plan import share_costs

    p = problem(net)
    with pytest.raises(PaxsilicaError, match="unknown cost-sharing method"):
        share_costs(None, p, "equal")  # type: ignore[arg-type]
