"""Cost sharing: partner shares, benefit shares, and Shapley against a hand-worked game."""

from __future__ import annotations

import pytest

from paxsilica.errors import PaxsilicaError
from paxsilica.plan.costs import shapley, share_costs
from paxsilica.plan.load import check_problem, parse_problem


def problem(net):
    # USA and JPN each need 60 kg; China is excluded (limit 0). One joint project of 120
    # (capex 100, cost 1) serves both; serving one member alone still needs the project.
    return check_problem(parse_problem({
        "name": "joint", "years": [2026], "concern": ["CHN"],
        "demand": [{"member": "USA", "item": "gallium", "quantity": 60},
                   {"member": "JPN", "item": "gallium", "quantity": 60}],
        "sources": [{"id": "cn", "item": "gallium", "country": "CHN", "capacity": 999,
                     "cost": 1}, {"id": "au", "item": "gallium", "country": "AUS",
                                  "capacity": 40, "cost": 3}],
        "projects": [{"id": "joint", "item": "gallium", "country": "USA", "capacity": 120,
                      "capex": 100, "cost": 1, "partners": {"USA": 0.75, "JPN": 0.25}}],
        "targets": [{"kind": "max_concern_share", "item": "gallium", "limit": 0.0}]}), net)


def test_partners_and_benefit(net, run):
    from paxsilica.plan import build, solve

    p = problem(net)
    result = solve(build(p))
    by_partner = share_costs(result, p, "partners").set_index("country")["amount"]
    assert by_partner.to_dict() == pytest.approx({"USA": 75.0, "JPN": 25.0})
    by_benefit = share_costs(result, p, "benefit").groupby("country")["amount"].sum()
    assert by_benefit.sum() == pytest.approx(100.0)
    received = result.flows[result.flows["source"] == "joint"].groupby("member")["quantity"].sum()
    assert by_benefit["USA"] / 100 == pytest.approx(received["USA"] / received.sum())


def test_shapley_of_a_symmetric_game(net):
    # alone, a member needs the project anyway (Australia has only 40 kg): 100 + 60 = 160;
    # together 100 + 120 = 220. Symmetric players: 110 each, each saves 50.
    calls = []
    table = shapley(problem(net), progress=lambda done, total: calls.append((done, total)))
    table = table.set_index("country")
    assert calls[-1] == (3, 3) and calls[0] == (0, 3)
    assert table.loc["USA", "standalone_cost"] == pytest.approx(160.0)
    assert table["shapley_cost"].to_dict() == pytest.approx({"USA": 110.0, "JPN": 110.0})
    assert table["shapley_cost"].sum() == pytest.approx(220.0)  # efficiency
    assert table["saving"].tolist() == pytest.approx([50.0, 50.0])


def test_bad_method_and_too_many_players(net):
    p = problem(net)
    with pytest.raises(PaxsilicaError, match="unknown cost-sharing method"):
        share_costs(None, p, "equal")  # type: ignore[arg-type]
    with pytest.raises(PaxsilicaError, match="at most 1 members"):
        shapley(p, max_players=1)
