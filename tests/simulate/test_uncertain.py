"""Uncertain parameters: distributions checked against the parameter's valid range at load,
normal draws truncated into it (issue 22.3: inventory_days −48.6 and psi 4.1 ran)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from paxsilica.errors import ValidationError
from paxsilica.simulate.ensemble import draw_parameters, member_scenario
from paxsilica.simulate.scenario import scenario_from_dict
from paxsilica.simulate.uncertain import draw, parameter_range

EVENT = {"kind": "capacity_loss", "region": "A", "sector": "ore", "fraction": 0.5, "start": 2,
         "recovery": 5}


def _scenario(uncertain: dict, **extra) -> object:
    return scenario_from_dict({"name": "u", "days": 40, "events": [EVENT], "uncertain": uncertain,
                               **extra})


@pytest.mark.parametrize(("uncertain", "reason"), [
    ({"psi": {"uniform": [0.5, 4.1]}}, "outside the valid range (0, 1]"),
    ({"inventory_days": {"uniform": [-50, 40]}}, "(0, 36500]"),
    ({"inventory_days": {"uniform": [float("nan"), float("nan")]}}, "finite number"),
    ({"inventory_days": {"normal": [float("inf"), 1]}}, "finite number"),
    ({"inventory_days": {"normal": [-10, 30]}}, "normal mean -10 outside"),
    ({"events.0.fraction": {"triangular": [0.1, 0.5, 1.5]}}, "[0, 1]"),
    ({"events.0.recovery": {"uniform": [0.2, 10]}}, "[1, 36500]"),  # 0.2 rounds to 0 steps
    ({"events.0.start": {"uniform": [0, 80]}}, "[0, 39]"),
    ({"events.0.region": {"uniform": [0, 1]}}, "not a numeric parameter"),
    ({"alpha_base": {"uniform": [1.0, 2.0]}}, "can exceed alpha_max (1.25)"),
])
def test_distributions_that_can_draw_invalid_values_are_refused(uncertain, reason):
    with pytest.raises(ValidationError) as caught:
        _scenario(uncertain)
    assert reason in str(caught.value) and "uncertain." in str(caught.value)


def test_ranges_come_from_the_model():
    scenario = _scenario({})
    psi = parameter_range(scenario, "psi")
    assert (psi.low, psi.high, psi.open_low, psi.open_high, psi.integer) == (0, 1, True, False, False)
    assert parameter_range(scenario, "events.0.duration").integer
    assert parameter_range(scenario, "order_type") is None


def test_normal_draws_stay_inside_and_follow_the_truncated_law():
    # mean 20, sd 40 for inventory_days > 0: a third of plain normal draws would be negative
    scenario = _scenario({"inventory_days": {"normal": [20, 40]}})
    rng = np.random.default_rng(7)
    draws = np.array([draw(scenario, "inventory_days", rng) for _ in range(4000)])
    assert draws.min() > 0
    # oracle: scipy's truncated normal on (0, inf) (Kolmogorov-Smirnov, generous level)
    law = stats.truncnorm(a=(0 - 20) / 40, b=math.inf, loc=20, scale=40)
    assert stats.kstest(draws, law.cdf).pvalue > 1e-3


def test_a_far_tail_range_falls_back_to_the_inverse_cdf():
    # mean inside (0, 1] but sd huge: rejection would almost never land inside
    scenario = _scenario({"psi": {"normal": [0.5, 1e6]}})
    values = [draw(scenario, "psi", np.random.default_rng(n)) for n in range(50)]
    assert all(0 < v <= 1 for v in values)


def test_members_use_the_drawn_values_without_clipping():
    scenario = _scenario({"inventory_days": {"normal": [20, 40]}, "events.0.duration": {"uniform": [0, 6]}})
    for member in range(30):
        draws = draw_parameters(scenario, member, seed=3)
        run = member_scenario(scenario, draws)
        assert run.model.inventory_days == draws["inventory_days"] > 0
        assert run.events[0].duration == round(draws["events.0.duration"])
