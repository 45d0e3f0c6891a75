"""Issue 21's request models: valid once built, answers equal the library's, fuzzed."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paxsilica.analytics.secondary import supply_by_type
from paxsilica.analytics.space import constellation_exposure, ground_station_exposure
from paxsilica.analytics.vendors import vendor_exposure, vendor_exposure_summary
from paxsilica.errors import NotFoundError, ParameterError
from paxsilica.requests.exposure import ExposureRequest, answer_exposure
from paxsilica.requests.telecom import (
    GroundStationsRequest,
    SatellitesRequest,
    VendorsRequest,
    answer_ground_stations,
    answer_satellites,
    answer_vendors,
)


def test_answers_equal_the_library(net):
    pd.testing.assert_frame_equal(
        answer_vendors(net, VendorsRequest(market="Germany", as_of="2026-07-01")),
        vendor_exposure(net, market="DEU", as_of="2026-07-01"))
    pd.testing.assert_frame_equal(
        answer_vendors(net, VendorsRequest(summary=True, measure="revenue", as_of="2026-07-01")),
        vendor_exposure_summary(net, measure="revenue", as_of="2026-07-01"))
    pd.testing.assert_frame_equal(
        answer_satellites(net, SatellitesRequest(orbit="leo", as_of="2026-07-01")),
        constellation_exposure(net, orbit="LEO", as_of="2026-07-01"))
    pd.testing.assert_frame_equal(
        answer_ground_stations(net, GroundStationsRequest(country="ARG", as_of="2026-07-01")),
        ground_station_exposure(net, country="ARG", as_of="2026-07-01"))
    pd.testing.assert_frame_equal(
        answer_exposure(net, ExposureRequest(secondary=True, item="copper", as_of="2026-07-01")),
        supply_by_type(net, item="copper", as_of="2026-07-01"))


@pytest.mark.parametrize(("build", "field"), [
    (lambda: VendorsRequest(market="Atlantis"), "market"),
    (lambda: VendorsRequest(item="ran_equipmnt"), "item"),
    (lambda: GroundStationsRequest(country="Mordor"), "country"),
    (lambda: SatellitesRequest(group="nobody"), "group"),
])
def test_unknown_names_name_their_field(net, build, field):
    request = build()
    answer = {VendorsRequest: answer_vendors, GroundStationsRequest: answer_ground_stations,
              SatellitesRequest: answer_satellites}[type(request)]
    with pytest.raises(NotFoundError) as caught:
        answer(net, request)
    assert caught.value.field == field


@pytest.mark.parametrize(("values", "field"), [
    ({"secondary": True, "tiers": "all"}, "tiers"),
    ({"secondary": True, "year": 2023}, "year"),
    ({"secondary": True, "summary": True}, "summary"),
    ({"secondary": "yes"}, "secondary"),
])
def test_secondary_works_alone(values, field):
    with pytest.raises(ParameterError) as caught:
        ExposureRequest.parse(values)
    assert caught.value.field == field


@pytest.mark.parametrize(("model", "values", "field"), [
    (VendorsRequest, {"measure": "market_cap"}, "measure"),
    (VendorsRequest, {"year": 1e9}, "year"),
    (VendorsRequest, {"year": True}, "year"),
    (VendorsRequest, {"market": "x" * 10_000}, "market"),
    (SatellitesRequest, {"orbit": "LOW"}, "orbit"),
    (SatellitesRequest, {"as_of": "2026-02-30"}, "as_of"),
    (GroundStationsRequest, {"country": ""}, "country"),
    (GroundStationsRequest, {"extra": 1}, "extra"),
])
def test_hostile_values_are_refused_naming_the_field(model, values, field):
    with pytest.raises(ParameterError) as caught:
        model.parse(values)
    assert caught.value.field == field


SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
VALUES = st.recursive(SCALARS, lambda c: st.lists(c, max_size=3) | st.dictionaries(
    st.text(max_size=6), c, max_size=3), max_leaves=6)
FIELDS = st.sampled_from(["item", "market", "measure", "year", "summary", "orbit", "country",
                          "group", "concern", "as_of", "secondary"])


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(FIELDS, VALUES, max_size=5),
       st.sampled_from([VendorsRequest, SatellitesRequest, GroundStationsRequest,
                        ExposureRequest]))
def test_fuzzed_inputs_give_a_request_or_a_parameter_error(values, model):
    try:
        request = model.parse(values, local_files=False)
    except ParameterError as exc:
        assert str(exc) and exc.problems
    else:
        assert isinstance(request, model)
