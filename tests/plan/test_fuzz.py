"""Fuzzing the problem keys issue 20 added (chain, inventory, shortfall, priorities,
recycling, reserves, per-scenario penalties): a clean error naming a key, or a valid answer
— never a traceback, a NaN in the answer or a hang."""

from __future__ import annotations

import json
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paxsilica.errors import PaxsilicaError, ValidationError
from paxsilica.plan.load import check_problem, load_problem, parse_problem
from paxsilica.plan.model import build
from paxsilica.plan.solve import solve

numbers = st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                    st.integers(-10**20, 10**20), st.sampled_from([0, 0.5, 1, 3, 1e16]))
words = st.one_of(st.sampled_from(["gallium", "gallium_nitride", "Gallium", "USA", "JPN",
                                   "catalogue", "pro_rata", "recycling", "primary",
                                   "disruption", "any", "coalition-ban", ""]),
                  st.text(max_size=12))
values = st.one_of(numbers, words, st.booleans(), st.none(),
                   st.lists(st.one_of(numbers, words), max_size=3))
recipe = st.fixed_dictionaries({"output": words, "input": words, "quantity": numbers})
new_keys = st.fixed_dictionaries({}, optional={
    "chain": st.one_of(values, st.fixed_dictionaries(
        {}, optional={"recipes": st.one_of(words, st.lists(recipe, max_size=3))})),
    "inventory": st.one_of(values, st.lists(st.fixed_dictionaries(
        {"item": words, "holding_cost": numbers},
        optional={"initial": numbers, "capacity": numbers}), max_size=2)),
    "shortfall": st.one_of(values, st.fixed_dictionaries(
        {}, optional={"rule": words, "priorities": st.dictionaries(words, values,
                                                                   max_size=2)})),
})
source_extra = st.fixed_dictionaries({}, optional={"kind": words, "inputs": values})
target_extra = st.fixed_dictionaries({}, optional={"priority": values, "kind": st.sampled_from(
    ["min_recycled_share", "min_recycling_capacity_share", "max_concern_share"])})
pile_extra = st.fixed_dictionaries({}, optional={"release": values})
scenario_extra = st.fixed_dictionaries({}, optional={
    "unmet_penalty": st.one_of(values, st.dictionaries(words, numbers, max_size=2)),
    "simulate": st.one_of(values, st.fixed_dictionaries(
        {}, optional={"file": values, "ensemble": numbers, "bins": numbers}))})


def problem(extra: dict, source: dict, target: dict, pile: dict, scenario: dict) -> dict:
    data = {"name": "fuzz", "years": [2026, 2027], "concern": ["CHN"], "unmet_penalty": 50,
            "demand": [{"member": "USA", "item": "gallium", "quantity": 10},
                       {"member": "JPN", "item": "gallium_nitride", "quantity": 5}],
            "sources": [{"id": "cn", "item": "gallium", "country": "CHN", "capacity": 40,
                         "cost": 1, **source},
                        {"id": "jp", "item": "gallium_nitride", "country": "JPN",
                         "capacity": 20, "cost": 3}],
            "projects": [{"id": "us", "item": "gallium_nitride", "country": "USA",
                          "capacity": 10, "capex": 20, "cost": 2}],
            "stockpiles": [{"id": "r", "item": "gallium", "member": "USA", "max_quantity": 10,
                            "cost": 2, **pile}],
            "targets": [{"kind": "max_concern_share", "item": "gallium", "limit": 0.8,
                         **target}],
            "scenarios": [{"name": "base", "probability": 0.5},
                          {"name": "ban", "probability": 0.5, "from": 2027, **scenario}]}
    if not scenario.get("simulate"):
        data["scenarios"][1]["outages"] = [{"country": "CHN", "fraction": 1.0}]
    data.update(extra)
    return data


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(new_keys, source_extra, target_extra, pile_extra, scenario_extra)
def test_new_keys_give_a_clean_error_or_an_answer(net, extra, source, target, pile, scenario):
    data = problem(extra, source, target, pile, scenario)
    try:
        checked = check_problem(parse_problem(data), net)
    except ValidationError as exc:
        assert exc.errors and all(e.field or e.reason for e in exc.errors)
        assert "Traceback" not in str(exc)
        return
    except PaxsilicaError as exc:  # e.g. a simulator scenario that cannot be read
        assert str(exc)
        return
    result = solve(build(checked), time_limit=20, forced_values=0)
    assert result.status in {"optimal", "infeasible", "time_limit"}
    answer = json.dumps(result.to_dict(), default=str, allow_nan=False)  # no NaN, no inf
    assert answer
    if result.objective is not None:
        assert math.isfinite(result.objective)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=200))
def test_yaml_text_gives_a_clean_error(tmp_path, net, text):
    path = tmp_path / "p.yaml"
    path.write_text("name: x\nyears: [2026]\n" + text, encoding="utf-8")
    try:
        load_problem(path, net)
    except PaxsilicaError as exc:  # every message names the file
        assert str(path) in str(exc)
