"""The request base: typed fields, every problem one ParameterError naming its field, hostile
values refused (booleans as numbers, NaN, timestamps as dates, huge names), never a traceback."""

from __future__ import annotations

import pickle
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paxsilica.errors import NotFoundError, ParameterError
from paxsilica.requests.chokepoints import ChokepointsRequest
from paxsilica.requests.exposure import ExposureRequest, Tiers
from paxsilica.requests.limits import MAX_NAME_CHARS
from paxsilica.requests.plan import PlanRequest
from paxsilica.requests.simulate import SimulateRequest


def test_every_problem_is_listed_and_the_first_names_its_field():
    with pytest.raises(ParameterError) as info:
        ExposureRequest.parse({"as_of": "2026-02-30", "year": "soon", "colour": "red"})
    fields = [field for field, _ in info.value.problems]
    assert info.value.field == "as_of" and sorted(fields) == ["as_of", "colour", "year"]
    assert "(and 2 more problem(s))" in str(info.value)
    assert dict(info.value.problems)["colour"] == "colour: unknown parameter"


def test_typed_fields():
    request = ExposureRequest.parse({"as_of": "2026-01-27", "tiers": "all", "mode": "weighted"})
    assert request.as_of == date(2026, 1, 27) and request.tiers is Tiers.all
    assert ExposureRequest.parse({"item": None}).item is None  # None: not given


@pytest.mark.parametrize(("model", "values", "field"), [
    (SimulateRequest, {"scenario": "x", "days": True}, "days"),  # true is not 1 day
    (SimulateRequest, {"scenario": "x", "days": "5"}, "days"),
    (SimulateRequest, {"scenario": "x", "days": 0}, "days"),
    (SimulateRequest, {"scenario": "x", "days": 10**12}, "days"),
    (PlanRequest, {"problem": "p.yaml", "time_limit": float("nan")}, "time_limit"),
    (PlanRequest, {"problem": "p.yaml", "time_limit": float("inf")}, "time_limit"),
    (PlanRequest, {"problem": "p.yaml", "mip_gap": True}, "mip_gap"),
    (ChokepointsRequest, {"top": 0}, "top"),
    (ChokepointsRequest, {"top": 1.5}, "top"),
    (ExposureRequest, {"as_of": 1767225600}, "as_of"),  # a timestamp is not a date
    (ExposureRequest, {"as_of": datetime(2026, 1, 1, 12)}, "as_of"),
    (ExposureRequest, {"item": "x" * (MAX_NAME_CHARS + 1)}, "item"),
    (ExposureRequest, {"item": ""}, "item"),
    (ExposureRequest, {"latest": "yes"}, "latest"),
])
def test_hostile_values_are_refused_naming_the_field(model, values, field):
    with pytest.raises(ParameterError) as info:
        model.parse(values)
    assert info.value.field == field


def test_requests_are_frozen_and_constructors_raise_parameter_errors():
    request = ExposureRequest(item="gallium")
    with pytest.raises(Exception, match="frozen"):
        request.item = "germanium"  # type: ignore[misc]
    with pytest.raises(ParameterError) as info:
        ExposureRequest(tiers="sideways")
    assert info.value.field == "tiers"


def test_errors_cross_processes_with_their_field():
    error = pickle.loads(pickle.dumps(ParameterError("days: too many", field="days")))
    assert (type(error), error.field, str(error)) == (ParameterError, "days", "days: too many")
    missing = pickle.loads(pickle.dumps(NotFoundError("unknown item 'x'", field="item")))
    assert (missing.field, str(missing)) == ("item", "unknown item 'x'")
    # a job's request crosses to a Dask worker and stays remote there
    request = pickle.loads(pickle.dumps(SimulateRequest.parse(scenario="x", local_files=False)))
    assert request.local_files is False and request.scenario == "x"


def test_remote_requests_cannot_name_files():
    with pytest.raises(ParameterError) as info:
        SimulateRequest.parse(scenario="x", ensemble=3, local_files=False)
    assert info.value.field == "ensemble"
    assert SimulateRequest.parse(scenario="x", ensemble=3).local_files


SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)


def _nested(children: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(st.lists(children, max_size=3),
                     st.dictionaries(st.text(max_size=8), children, max_size=3))


JSONISH = st.recursive(SCALARS, _nested, max_leaves=8)
FIELDS = st.sampled_from(["item", "stage", "group", "concern", "as_of", "year", "latest",
                          "summary", "compare", "tiers", "mode", "by_country", "top", "days",
                          "scenario", "problem", "mip_gap", "time_limit", "nodes_only"])


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(FIELDS, JSONISH, max_size=6),
       st.sampled_from([ExposureRequest, ChokepointsRequest, SimulateRequest, PlanRequest]),
       st.booleans())
def test_fuzzed_inputs_give_a_request_or_a_parameter_error(values, model, local):
    """Clean error or valid request, never another exception."""
    try:
        request = model.parse(values, local_files=local)
    except ParameterError as exc:
        assert str(exc) and exc.problems
    else:
        assert isinstance(request, model) and request.local_files is local
