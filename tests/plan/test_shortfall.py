"""Who bears a shortfall: pro rata to demand by default, priority classes served first.
And infeasibility: targets give way before demand, lower priorities before higher."""

from __future__ import annotations

import pytest


def short(priorities: dict | None = None, supply: float = 50.0) -> dict:
    """One year: USA 60, JPN 40, TWN 10 kg of gallium; Australia sells ``supply`` at 1;
    a kilogram short costs 10."""
    data = {"name": "short", "years": [2026], "concern": ["CHN"], "unmet_penalty": 10,
            "demand": [{"member": "USA", "item": "gallium", "quantity": 60},
                       {"member": "JPN", "item": "gallium", "quantity": 40},
                       {"member": "TWN", "item": "gallium", "quantity": 10}],
            "sources": [{"id": "au", "item": "gallium", "country": "AUS", "capacity": supply,
                         "cost": 1}]}
    if priorities is not None:
        data["shortfall"] = {"priorities": priorities}
    return data


def unmet_by_member(result) -> dict[str, float]:
    return result.unmet.set_index("member")["quantity"].to_dict()


def test_pro_rata_by_default(run):
    # 110 kg wanted, 50 sold: everyone is short 60/110 of its demand
    result = run(short())
    assert result.objective == pytest.approx(50 + 60 * 10)
    assert unmet_by_member(result) == pytest.approx({"USA": 60 * 60 / 110, "JPN": 40 * 60 / 110,
                                                     "TWN": 10 * 60 / 110})
    assert result.unmet["share"].tolist() == pytest.approx([60 / 110] * 3)
    assert "pro rata to demand" in result.shortfall_rule
    delivered = result.flows.groupby("member")["quantity"].sum()
    assert delivered.to_dict() == pytest.approx({"USA": 60 * 50 / 110, "JPN": 40 * 50 / 110,
                                                 "TWN": 10 * 50 / 110})


def test_priority_classes_are_served_first(run):
    # TWN (class 2) is served in full, then JPN (class 1); USA (class 0) bears the rest
    result = run(short({"TWN": 2, "JPN": 1}))
    assert result.objective == pytest.approx(50 + 60 * 10)  # the split does not change cost
    assert unmet_by_member(result) == pytest.approx({"USA": 60.0})
    result = run(short({"TWN": 2, "JPN": 1}, supply=20))
    assert unmet_by_member(result) == pytest.approx({"USA": 60.0, "JPN": 30.0})
    assert "served first" in result.shortfall_rule


def test_same_class_still_pro_rata(run):
    result = run(short({"TWN": 1, "JPN": 1}, supply=45))  # USA absorbs 60 of the 65 short
    assert unmet_by_member(result) == pytest.approx({"USA": 60.0, "JPN": 4.0, "TWN": 1.0})


def test_priority_of_an_unknown_member_is_refused(run):
    from paxsilica.errors import ValidationError

    with pytest.raises(ValidationError, match=r"shortfall.priorities.KOR.*no demand"):
        run(short({"KOR": 1}))


def concern_only(limit: float) -> dict:
    """China is the only seller and the concern cap forbids it: the cap must give, not
    demand (issue 20: the old diagnosis could blame USA demand)."""
    return {"name": "cap", "years": [2026], "concern": ["CHN"],
            "demand": [{"member": "USA", "item": "gallium", "quantity": 100}],
            "sources": [{"id": "cn", "item": "gallium", "country": "CHN", "capacity": 500,
                         "cost": 1}],
            "targets": [{"kind": "max_concern_share", "item": "gallium", "limit": limit}]}


def test_target_gives_way_before_demand(run):
    result = run(concern_only(0.0))
    assert result.status == "infeasible"
    assert set(result.conflicts["kind"]) == {"max_concern_share"}
    row = result.conflicts.iloc[0]
    assert row["required_limit"] == pytest.approx(1.0) and row["violation"] == pytest.approx(100)
    assert "max_concern_share:gallium (limit 0 -> 1)" in result.message
    assert "USA/gallium" not in result.message


def recycled_against_concern(recycled_priority: int, concern_priority: int) -> dict:
    """China recycles (cost 1), Australia mines (cost 2): ≥ 60 % recycled needs 60 kg
    from China; ≤ 30 % concern allows 30. Either target can give 0.3."""
    return {"name": "conflict", "years": [2026], "concern": ["CHN"],
            "demand": [{"member": "USA", "item": "gallium", "quantity": 100}],
            "sources": [{"id": "cn_recycling", "item": "gallium", "country": "CHN",
                         "capacity": 1000, "cost": 1, "kind": "recycling"},
                        {"id": "au", "item": "gallium", "country": "AUS", "capacity": 100,
                         "cost": 2}],
            "targets": [{"kind": "min_recycled_share", "item": "gallium", "limit": 0.6,
                         "priority": recycled_priority},
                        {"kind": "max_concern_share", "item": "gallium", "limit": 0.3,
                         "priority": concern_priority}]}


@pytest.mark.parametrize(("recycled", "concern", "gives", "needed"), [
    (2, 1, "max_concern_share:gallium", 0.6),
    (1, 2, "min_recycled_share:gallium", 0.3),
])
def test_lower_priority_target_gives_way(run, recycled, concern, gives, needed):
    result = run(recycled_against_concern(recycled, concern))
    assert result.status == "infeasible"
    assert result.conflicts["target"].tolist() == [gives]
    assert result.conflicts["required_limit"].iloc[0] == pytest.approx(needed)
    assert result.conflicts["violation"].iloc[0] == pytest.approx(30.0)
    assert gives in result.message


def test_demand_named_only_when_no_target_helps(run):
    data = concern_only(0.5)
    data["sources"][0]["capacity"] = 80  # 20 kg cannot be bought at any limit
    result = run(data)
    assert result.status == "infeasible"
    demand = result.conflicts[result.conflicts["kind"] == "demand"]
    assert demand["violation"].sum() == pytest.approx(20.0)
    # and the cap still has to give 0.3 for the 80 kg China can sell
    cap = result.conflicts[result.conflicts["kind"] == "max_concern_share"]
    assert cap["required_limit"].iloc[0] == pytest.approx(0.8)
    assert result.message.index("max_concern_share") < result.message.index("USA/gallium")


def test_own_reserve_is_not_wasted_to_equalise(run):
    # China is cut; Australia sells 20; the USA holds a reserve of 50 (only for itself).
    # 30 kg short in all: pro rata (30 %) would need 28 kg for Japan from 20 kg of market,
    # so Japan is short 20 (50 %) and the USA only 10: the reserve is used, not wasted
    data = {"name": "reserve", "years": [2026], "concern": ["CHN"], "unmet_penalty": 10,
            "demand": [{"member": "USA", "item": "gallium", "quantity": 60},
                       {"member": "JPN", "item": "gallium", "quantity": 40}],
            "sources": [{"id": "cn", "item": "gallium", "country": "CHN", "capacity": 1000,
                         "cost": 1},
                        {"id": "au", "item": "gallium", "country": "AUS", "capacity": 20,
                         "cost": 2}],
            "stockpiles": [{"id": "us_reserve", "item": "gallium", "member": "USA",
                            "max_quantity": 50, "cost": 0.5}],
            "scenarios": [{"name": "ban", "outages": [{"country": "CHN", "fraction": 1.0}]}]}
    result = run(data)
    assert unmet_by_member(result) == pytest.approx({"USA": 10.0, "JPN": 20.0})
    assert result.objective == pytest.approx(25 + 40 + 300)
