"""The planner against hand-worked optima, duals by finite differences, infeasibility."""

from __future__ import annotations

import pytest


def test_hand_worked_optimum(run, hand_problem):
    # concern flows ≤ 50: build the US project (100), 50 kg at 2 and 50 kg at 1 = 250
    result = run(hand_problem())
    assert result.status == "optimal"
    assert result.objective == pytest.approx(250.0)
    assert result.builds[["project", "year"]].values.tolist() == [["us", 2026]]
    assert result.builds["cost_shares"].iloc[0] == {"USA": 100.0}
    by_source = result.flows.groupby("source")["quantity"].sum().to_dict()
    assert by_source == pytest.approx({"cn": 50.0, "us": 50.0})


def test_dual_is_the_cost_of_tightening(run, hand_problem):
    # tightening the limit by Δ moves 100·Δ kg from cost 1 to cost 2: dual = 100 per unit
    result = run(hand_problem(0.5))
    assert result.targets["dual"].iloc[0] == pytest.approx(100.0)
    tighter = run(hand_problem(0.49))
    assert (tighter.objective - result.objective) / 0.01 == pytest.approx(100.0)


def test_without_target_nothing_is_built(run, hand_problem):
    data = hand_problem()
    data["targets"] = []
    result = run(data)
    assert result.objective == pytest.approx(100.0)
    assert result.builds.empty
    # building costs capex 100 and saves nothing (its output costs more than China's)
    row = result.projects_not_built.iloc[0]
    assert row["project"] == "us" and row["marginal_value"] == pytest.approx(-100.0)
    assert row["forced_in_cost"] == pytest.approx(100.0)


def test_conflicting_targets_are_named(run, hand_problem):
    data = hand_problem(0.1)  # ≥ 90 kg must come from the US project of 60
    result = run(data)
    assert result.status == "infeasible"
    assert "max_concern_share:gallium" in result.message
    assert result.conflicts["violation"].sum() == pytest.approx(30.0)


def base(years: list[int], **extra: object) -> dict:
    data = {"name": "t", "years": years, "concern": ["CHN"],
            "demand": [{"member": "USA", "item": "gallium", "quantity": 100}],
            "sources": [{"id": "cn", "item": "gallium", "country": "CHN", "capacity": 1000,
                         "cost": 1}]}
    data.update(extra)
    return data


def test_lead_time_and_discounting_pick_the_latest_useful_year(run):
    # no Chinese supply allowed from 2028; the project needs a year to come online, so it
    # is built in 2027 (not 2026: capex discounted one more year); 400/1.1 less than 400
    data = base([2026, 2027, 2028], discount_rate=0.1,
                projects=[{"id": "us", "item": "gallium", "country": "USA", "capacity": 100,
                           "capex": 400, "cost": 1, "lead_time": 1}],
                targets=[{"kind": "max_concern_share", "item": "gallium", "limit": 0.0,
                          "from": 2028}])
    result = run(data)
    assert result.builds[["year", "online_from"]].values.tolist() == [[2027, 2028]]
    assert result.objective == pytest.approx(100 + 100 / 1.1 + 400 / 1.1 + 100 / 1.21)


def stockpile_problem(release: str) -> dict:
    return base([2026, 2027], unmet_penalty=50,
                stockpiles=[{"id": "us_reserve", "item": "gallium", "member": "USA",
                             "max_quantity": 500, "cost": 10, "release": release}],
                scenarios=[{"name": "base", "probability": 0.5},
                           {"name": "ban", "probability": 0.5, "from": 2027,
                            "outages": [{"country": "CHN", "fraction": 1.0}]}])


def test_stockpile_covers_a_ban(run):
    # half the time China stops in 2027; 100 units held (cost 10 each) beat 100 unmet at 50.
    # A reserve is released only while supply is cut: China's 200 units in the base case
    # (0.5 × 200) and 100 in the ban's first year (0.5 × 100)
    result = run(stockpile_problem("disruption"))
    assert result.objective == pytest.approx(1000 + 0.5 * 200 + 0.5 * 100)
    assert result.stockpiles[["level", "cost"]].values.tolist() == [[100.0, 1000.0]]
    drawn = result.flows[result.flows["source"] == "us_reserve"]
    assert drawn.groupby(["scenario", "year"])["quantity"].sum().to_dict() == pytest.approx(
        {("ban", 2027): 100.0})
    assert result.unmet.empty


def test_stock_released_any_year_replaces_purchases(run):
    # release: any - bought stock also replaces purchases in the base case (old behaviour)
    result = run(stockpile_problem("any"))
    assert result.objective == pytest.approx(1000 + 0.5 * 100 + 0.5 * 100)
    drawn = result.flows[result.flows["source"] == "us_reserve"]
    assert drawn.groupby("scenario")["quantity"].sum().to_dict() == pytest.approx(
        {"base": 100.0, "ban": 100.0})


def test_min_capacity_share_forces_a_build(run):
    data = base([2026], sources=[
        {"id": "cn", "item": "gallium", "country": "CHN", "capacity": 1000, "cost": 1},
        {"id": "us_old", "item": "gallium", "country": "USA", "capacity": 10, "cost": 1}],
        projects=[{"id": "us", "item": "gallium", "country": "USA", "capacity": 50,
                   "capex": 100, "cost": 1}],
        targets=[{"kind": "min_capacity_share", "item": "gallium", "limit": 0.4}])
    result = run(data)
    assert result.objective == pytest.approx(200.0)
    assert result.targets["value"].tolist() == pytest.approx([0.6])
    assert result.targets["scenario"].tolist() == ["all"]


def test_max_single_country_share_and_its_dual(run):
    data = base([2026], sources=[
        {"id": "cn", "item": "gallium", "country": "CHN", "capacity": 1000, "cost": 1},
        {"id": "au", "item": "gallium", "country": "AUS", "capacity": 1000, "cost": 2}],
        targets=[{"kind": "max_single_country_share", "item": "gallium", "limit": 0.65}])
    result = run(data)
    assert result.objective == pytest.approx(65 + 70)
    rows = result.targets.set_index("country")
    assert rows.loc["CHN", "value"] == pytest.approx(0.65)
    assert rows.loc["CHN", "dual"] == pytest.approx(100.0)  # 1 unit of share = 100 kg at +1
    assert rows.loc["AUS", "dual"] == pytest.approx(0.0)


def test_demand_without_any_supplier_is_infeasible_not_ignored(run):
    data = base([2026], sources=[])
    data["demand"].append({"member": "JPN", "item": "germanium", "quantity": 5})
    data["sources"] = [{"id": "cn", "item": "gallium", "country": "CHN", "capacity": 1000,
                        "cost": 1}]
    result = run(data)
    assert result.status == "infeasible"
    assert "JPN/germanium" in result.message


def test_time_limit_is_a_status_not_an_error(run):
    years = list(range(2026, 2034))
    data = base(years, unmet_penalty=100,
                projects=[{"id": f"p{n}", "item": "gallium", "country": "USA",
                           "capacity": 7 + n % 13, "capex": 50 + (n * 37) % 91, "cost": 1.5,
                           "lead_time": n % 3} for n in range(80)],
                targets=[{"kind": "max_concern_share", "item": "gallium", "limit": 0.1,
                          "from": 2028}],
                scenarios=[{"name": f"s{k}", "from": 2027 + k,
                            "outages": [{"country": "CHN", "fraction": 0.5}]}
                           for k in range(4)])
    result = run(data, time_limit=0.001)
    assert result.status == "time_limit"
    assert result.objective is None or result.objective > 0


def test_min_domestic_dual_matches_finite_difference(run):
    def problem(limit: float) -> dict:
        return base([2026], sources=[
            {"id": "cn", "item": "gallium", "country": "CHN", "capacity": 1000, "cost": 1},
            {"id": "us_old", "item": "gallium", "country": "USA", "capacity": 100, "cost": 3}],
            targets=[{"kind": "min_domestic_share", "item": "gallium", "member": "USA",
                      "limit": limit}])
    result = run(problem(0.5))
    assert result.objective == pytest.approx(200.0)
    assert result.targets["dual"].iloc[0] == pytest.approx(200.0)  # 100 units × (3 − 1)
    tighter = run(problem(0.51))
    assert (tighter.objective - result.objective) / 0.01 == pytest.approx(200.0)


def test_loss_avoided_per_unit_cost_of_a_stockpile_and_a_build(run):
    # the reserve (1000) avoids 100 kg short at 50 in the ban (probability 0.5): 2500
    result = run(stockpile_problem("disruption"))
    row = result.values.set_index("name").loc["us_reserve"]
    assert row["kind"] == "stockpile" and row["cost"] == pytest.approx(1000.0)
    assert row["loss_avoided"] == pytest.approx(2500.0)
    assert row["per_cost"] == pytest.approx(2.5)
    assert row["cost_saving"] == pytest.approx(1500.0)
    rules = result.stockpile_rules.set_index("scenario")
    assert rules.loc["ban", "drawn"] == pytest.approx(100.0) and rules.loc["ban", "first_year"] == 2027
    assert rules.loc["base", "drawn"] == pytest.approx(0.0)
    assert rules["rule"].iloc[0] == ("hold 100 of gallium; release up to 100 a year while its "
                                     "supply is cut")
    # a US plant (capex 300, cost 2) instead of the reserve avoids the same 2500
    data = stockpile_problem("disruption")
    data["stockpiles"] = []
    data["projects"] = [{"id": "us", "item": "gallium", "country": "USA", "capacity": 100,
                         "capex": 300, "cost": 2}]
    built = run(data)
    assert built.builds["project"].tolist() == ["us"]
    row = built.values.set_index("name").loc["us"]
    assert row["loss_avoided"] == pytest.approx(2500.0)
    assert row["per_cost"] == pytest.approx(2500.0 / 300)


def test_soft_target_is_missed_at_its_price(run, hand_problem):
    # cap 0.1 cannot hold with the US project of 60: at 5 per unit missed, build it (100),
    # 60 at 2, 40 from China at 1, 30 over the cap at 5 = 410 (not building: 100 + 450)
    data = hand_problem(0.1)
    data["targets"][0]["penalty"] = 5
    result = run(data)
    assert result.status == "optimal"
    assert result.objective == pytest.approx(410.0)
    assert result.targets["value"].tolist() == pytest.approx([0.4])  # achieved, not relaxed
