"""Connectivity through its request model: the answer equals the library function called
directly (the oracle), every front end's options are the model's fields, unknown names
name their field, hostile and fuzzed inputs give a request or one ParameterError."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paxsilica.analytics.cable_map import cable_map
from paxsilica.analytics.connectivity import connectivity
from paxsilica.errors import NotFoundError, ParameterError
from paxsilica.model.network import StackNetwork
from paxsilica.requests.connectivity import (
    MAX_IDS,
    ConnectivityRequest,
    answer_cable_map,
    answer_connectivity,
    most_connected_member,
)
from paxsilica.store import open_store


@pytest.fixture(scope="module")
def net() -> StackNetwork:
    return StackNetwork.from_store(open_store(":memory:"))


def test_the_answer_is_the_library_s(net):
    request = ConnectivityRequest.parse(country="Taiwan", year=2024, close=["tanshui-taiwan"],
                                        cut=["faster"])
    answer = answer_connectivity(net, request)
    oracle = connectivity(net, "TWN", 2024, close=["tanshui-taiwan"], cut=["faster"])
    assert answer.to_dict() == oracle.to_dict()
    layout = answer_cable_map(net, request)
    direct = cable_map(net, "TWN", 2024, close=["tanshui-taiwan"], cut=["faster"])
    assert layout.points.equals(direct.points) and layout.segments.equals(direct.segments)


@pytest.mark.parametrize(("values", "field"), [
    ({"country": "TWN", "year": 1492}, "year"),
    ({"country": "TWN", "year": True}, "year"),
    ({"country": "TWN", "year": "2024"}, "year"),       # strict: a number, not text
    ({"country": "TWN", "year": 2024.5}, "year"),
    ({"country": "", "year": 2024}, "country"),
    ({"country": "x" * 201, "year": 2024}, "country"),
    ({"year": 2024}, "country"),
    ({"country": "TWN", "year": 2024, "cut": ["a"] * (MAX_IDS + 1)}, "cut"),
    ({"country": "TWN", "year": 2024, "close": [""]}, "close[0]"),
    ({"country": "TWN", "year": 2024, "as_of": "2026-02-30"}, "as_of"),
    ({"country": "TWN", "year": 2024, "closed": ["x"]}, "closed"),
])
def test_hostile_values_are_refused_naming_the_field(values, field):
    with pytest.raises(ParameterError) as info:
        ConnectivityRequest.parse(values)
    assert info.value.field == field


@pytest.mark.parametrize(("values", "field"), [
    ({"country": "Atlantis"}, "country"),
    ({"country": "TWN", "close": ["tanshui"]}, "close"),
    ({"country": "TWN", "cut": ["FASTER "]}, "cut"),
    ({"country": "TWN", "concern": "nobody"}, "concern"),
])
def test_unknown_names_name_their_field(net, values, field):
    with pytest.raises(NotFoundError) as info:
        answer_connectivity(net, ConnectivityRequest.parse(values, year=2024))
    assert info.value.field == field


def test_the_first_country_shown_is_the_member_most_linked(net):
    code = most_connected_member(net, 2024, day=None)
    counts = {c: len(connectivity(net, c, 2024).cables) for c in net.members("pax_silica")}
    assert counts[code] == max(counts.values())


IDS = st.sampled_from(["faster", "tanshui-taiwan", "c-lion1", "nope", "", "x" * 300, "FASTER"])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(country=st.one_of(st.sampled_from(["TWN", "Taiwan", "LTU", "XXX", "", "Türkiye", "ＴＷＮ"]),
                         st.text(max_size=5)),
       year=st.one_of(st.integers(1800, 2200), st.booleans(), st.floats(allow_nan=True), st.none()),
       close=st.lists(IDS, max_size=3), cut=st.lists(IDS, max_size=3))
def test_fuzzed_inputs_give_an_answer_or_one_clean_error(net, country, year, close, cut):
    try:
        request = ConnectivityRequest.parse(country=country, year=year, close=close, cut=cut)
    except ParameterError as exc:
        assert exc.field and exc.problems
        return
    try:
        answer = answer_connectivity(net, request)
    except NotFoundError as exc:
        assert exc.field in {"country", "close", "cut"}
        return
    assert 0.0 <= answer.lost_share <= 1.0
    assert set(answer.cables_after) <= set(answer.cables)
