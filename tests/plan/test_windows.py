"""Every target kind applies only in its ``from``-``to`` window (issue 20: the single-country
cap ignored its ``from`` year because ``itertuples`` renamed the column).

Three years, 100 kg of gallium a year for the USA; each target is given for 2027 only, so
a hand-worked optimum differs from the one the target would give in all three years.
"""

from __future__ import annotations

import pytest

YEARS = [2026, 2027, 2028]


def problem(target: dict, sources: list[dict], **extra: object) -> dict:
    data = {"name": "window", "years": YEARS, "concern": ["CHN"],
            "demand": [{"member": "USA", "item": "gallium", "quantity": 100}],
            "sources": sources, "targets": [{**target, "item": "gallium"}]}
    data.update(extra)
    return data


CN = {"id": "cn", "item": "gallium", "country": "CHN", "capacity": 1000, "cost": 1}
AU = {"id": "au", "item": "gallium", "country": "AUS", "capacity": 1000, "cost": 2}
US = {"id": "us_old", "item": "gallium", "country": "USA", "capacity": 100, "cost": 3}

# kind, extra target keys, sources, optimum with the 2027-only window, optimum if it held
# in every year
AU_RECYCLED = {**AU, "kind": "recycling"}

CASES = [
    ("max_concern_share", {"limit": 0.5}, [CN, AU], 100 + (50 + 100) + 100, 3 * 150),
    ("min_recycled_share", {"limit": 0.5}, [CN, AU_RECYCLED], 100 + (50 + 100) + 100,
     3 * 150),
    ("min_domestic_share", {"limit": 0.5, "member": "USA"}, [CN, US], 100 + (150 + 50) + 100,
     3 * 200),
    ("max_single_country_share", {"limit": 0.65}, [CN, AU], 100 + (65 + 70) + 100, 3 * 135),
]


@pytest.mark.parametrize(("kind", "keys", "sources", "windowed", "everywhere"), CASES)
def test_flow_targets_hold_only_in_their_window(run, kind, keys, sources, windowed,
                                                everywhere):
    target = {"kind": kind, **keys}
    inside = run(problem({**target, "from": 2027, "to": 2027}, sources))
    assert inside.objective == pytest.approx(windowed)
    assert set(inside.targets["year"]) == {2027}
    always = run(problem(target, sources))
    assert always.objective == pytest.approx(everywhere)
    assert set(always.targets["year"]) == set(YEARS)
    late = run(problem({**target, "from": 2028}, sources))
    assert set(late.targets["year"]) == {2028}
    assert late.objective == pytest.approx(2 * 100 + (everywhere / 3))


def test_capacity_target_window_sets_the_build_year(run):
    # capacity in the coalition must be 40 % of demand in 2027 only: the project (capex
    # 100, no lead time) is built in 2027, discounted once; held from 2026 it is built then
    project = {"id": "us", "item": "gallium", "country": "USA", "capacity": 50, "capex": 100,
               "cost": 1}
    old = {**US, "capacity": 10, "cost": 1}
    base = problem({"kind": "min_capacity_share", "limit": 0.4, "from": 2027, "to": 2027},
                   [CN, old], projects=[project], discount_rate=0.1)
    result = run(base)
    assert result.builds["year"].tolist() == [2027]
    assert set(result.targets["year"]) == {2027}
    flows = 100 * (1 + 1 / 1.1 + 1 / 1.21)
    assert result.objective == pytest.approx(flows + 100 / 1.1)
    base["targets"][0]["from"] = 2026
    assert run(base).builds["year"].tolist() == [2026]


def test_recycling_capacity_target_window(run):
    # recycling capacity for 25 % of demand in 2028 only: a recycling plant (lead time 1,
    # capex 90) built in 2027, discounted twice would be 2026's build discounted once
    project = {"id": "r", "item": "gallium", "country": "USA", "capacity": 30, "capex": 90,
               "cost": 1, "lead_time": 1, "kind": "recycling"}
    base = problem({"kind": "min_recycling_capacity_share", "limit": 0.25, "from": 2028},
                   [CN], projects=[project], discount_rate=0.1)
    result = run(base)
    assert result.builds[["year", "online_from"]].values.tolist() == [[2027, 2028]]
    assert set(result.targets["year"]) == {2028}
    assert result.targets["value"].tolist() == pytest.approx([0.3])
    base["targets"][0]["from"] = 2027
    assert run(base).builds["year"].tolist() == [2026]
