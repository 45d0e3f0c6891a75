"""Numbers of a planning problem are finite and bounded, and something can supply the
demand (issue 22.4/22.5: .inf and 1e308 gave "no plan within the time limit" or an
IndexError)."""

from __future__ import annotations

import pytest

from paxsilica.errors import ParameterError, ValidationError
from paxsilica.limits import MAX_PLAN_YEARS, MAX_QUANTITY
from paxsilica.plan import plan
from paxsilica.plan.load import check_problem, parse_problem

BASE = {"name": "b", "years": [2026], "concern": ["CHN"],
        "demand": [{"member": "JPN", "item": "gallium", "quantity": 5}],
        "sources": [{"id": "cn", "item": "gallium", "country": "CHN", "capacity": 20, "cost": 3}]}


@pytest.mark.parametrize(("change", "field", "reason"), [
    ({"unmet_penalty": float("inf")}, "unmet_penalty", "finite number"),
    ({"unmet_penalty": float("nan")}, "unmet_penalty", "finite number"),
    ({"demand": [{"member": "JPN", "item": "gallium", "quantity": 1e308}]}, "demand[0].quantity",
     "beyond the largest accepted magnitude"),
    ({"sources": [{"id": "cn", "item": "gallium", "country": "CHN", "capacity": 2e15, "cost": 3}]},
     "sources[0].capacity", "beyond"),
    ({"projects": [{"id": "p", "item": "gallium", "country": "JPN", "capacity": 1, "capex": -1e300,
                    "cost": 1}]}, "projects[0].capex", "greater than or equal to 0"),
    ({"years": list(range(2026, 2026 + MAX_PLAN_YEARS + 1))}, "years", "at most 100"),
    ({"years": [2026, True]}, None, "years: true is not a number"),
])
def test_numbers_out_of_bounds_are_named(change, field, reason):
    with pytest.raises(ValidationError) as caught:
        parse_problem({**BASE, **change}, "p.yaml")
    first = caught.value.errors[0]
    assert first.field == field and reason in first.reason


def test_the_largest_accepted_numbers_still_solve(net):
    big = {**BASE, "demand": [{"member": "JPN", "item": "gallium", "quantity": MAX_QUANTITY / 10}],
           "sources": [{"id": "cn", "item": "gallium", "country": "CHN", "capacity": MAX_QUANTITY,
                        "cost": 1}]}
    result = plan(big, net)
    assert result.status == "optimal" and result.objective == pytest.approx(MAX_QUANTITY / 10)


def test_nothing_to_supply_the_demand_is_an_error_not_an_index_error(net):
    problem = parse_problem({k: v for k, v in BASE.items() if k != "sources"}, "p.yaml")
    with pytest.raises(ValidationError, match="field 'sources': no sources, projects or stockpiles"):
        check_problem(problem, net, "p.yaml")
    with pytest.raises(ValidationError, match="nothing can supply"):
        check_problem(parse_problem({**{k: v for k, v in BASE.items() if k != "sources"},
                                     "unmet_penalty": 100}, "p.yaml"), net, "p.yaml")


@pytest.mark.parametrize(("options", "name"), [({"time_limit": float("nan")}, "time_limit"),
                                                ({"time_limit": float("inf")}, "time_limit"),
                                                ({"time_limit": 0}, "time_limit"),
                                                ({"mip_gap": float("nan")}, "mip_gap")])
def test_solver_options_are_checked_in_the_library(net, options, name):
    with pytest.raises(ParameterError, match=name):
        plan(BASE, net, **options)
