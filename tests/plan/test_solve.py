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


def test_conflicting_targets_are_named(run, hand_problem):
    data = hand_problem(0.1)  # ≥ 90 kg must come from the US project of 60
    result = run(data)
    assert result.status == "infeasible"
    assert "max_concern_share:gallium" in result.message
    assert result.conflicts["violation"].sum() == pytest.approx(30.0)
