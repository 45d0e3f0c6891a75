"""model.parameters: declared parameters, the record's own checks, and item_parameter(net, …)
(latest non-projection year on or before as_of, one year per item, ranges filled)."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from pydantic import ValidationError as PydanticError

from paxsilica.errors import NotFoundError, ParameterError
from paxsilica.model.network import StackNetwork, no_item_parameters
from paxsilica.model.parameters import ItemParameter, item_parameter, parameter_specs

CONTRACT = {"world_output", "price", "value_added_ratio", "qualification_days",
            "substitutable_share", "service_life_years", "consumption_share"}


def test_the_contract_parameters_are_declared_with_units_and_ranges():
    specs = parameter_specs()
    assert set(specs) >= CONTRACT
    for spec in specs.values():
        assert spec.description and spec.unit
    for name in ("value_added_ratio", "substitutable_share", "consumption_share"):
        assert (specs[name].unit, specs[name].min, specs[name].max) == ("share", 0, 1)


def test_the_record_defaults_to_the_world_and_reported():
    row = ItemParameter(item_id="gallium", parameter="price", year=2024, value=380,
                        unit="USD/kg Ga", source="S", confidence="high")
    assert (row.country, row.basis, row.low, row.high) == ("WLD", "reported", None, None)


@pytest.mark.parametrize("value", [float("inf"), float("nan"), -1.0])
def test_the_record_refuses_non_finite_and_out_of_range_values(value):
    with pytest.raises(PydanticError):
        ItemParameter(item_id="gallium", parameter="price", year=2024, value=value,
                      unit="USD/kg Ga", source="S", confidence="high")


def _row(item, year, value, basis="reported", country="WLD", low=None, high=None):
    return {"item_id": item, "parameter": "price", "country": country, "year": year,
            "value": value, "low": low, "high": high, "unit": "USD/t", "basis": basis,
            "confidence": "medium", "source": "S", "source_url": None, "note": None}


def _net(net, rows):
    return dataclasses.replace(net, item_parameters=pd.DataFrame(rows))


def test_latest_non_projection_year_on_or_before_as_of(net):
    rows = [_row("a", 2023, 1.0), _row("a", 2024, 2.0), _row("a", 2030, 9.0, "projection"),
            _row("b", 2022, 5.0, low=4.0), _row("b", 2025, 6.0, "projection")]
    got = item_parameter(_net(net, rows), "price", as_of="2024-06-30").set_index("item_id")
    assert got.loc["a", "value"] == 2.0 and got.loc["a", "year"] == 2024
    assert got.loc["b", "value"] == 5.0  # 2025 is a projection: not used
    assert (got.loc["b", "low"], got.loc["b", "high"], bool(got.loc["b", "ranged"])) == (4, 5, True)
    assert (got.loc["a", "low"], got.loc["a", "high"], bool(got.loc["a", "ranged"])) == (2, 2, False)
    earlier = item_parameter(_net(net, rows), "price", as_of=2023).set_index("item_id")
    assert earlier.loc["a", "value"] == 1.0
    assert item_parameter(_net(net, rows), "price", as_of=2021).empty


def test_countries_of_one_item_come_from_one_year(net):
    rows = [_row("a", 2023, 0.5, country="CHN"), _row("a", 2023, 0.3, country="USA"),
            _row("a", 2024, 0.6, country="CHN")]
    got = item_parameter(_net(net, rows), "price", as_of=2025)
    assert got[["country", "year"]].values.tolist() == [["CHN", 2024]]


def test_unknown_parameter_and_bad_as_of_are_clear_errors(net):
    with pytest.raises(NotFoundError, match=r"unknown parameter 'elasticity'.*world_output"):
        item_parameter(net, "elasticity")
    with pytest.raises(ParameterError, match="malformed date"):
        item_parameter(net, "price", as_of="last tuesday")
    with pytest.raises(ParameterError, match="before 1900"):
        item_parameter(net, "price", as_of=1066)


def test_a_network_without_parameters_answers_empty_never_zero(net):
    empty = dataclasses.replace(net, item_parameters=no_item_parameters())
    got = item_parameter(empty, "world_output")
    assert got.empty and "value" in got.columns


def test_the_bundled_network_flags_non_tradables_and_capital(net):
    items = net.items.set_index("item_id")
    assert set(items.index[~items["tradable"].astype(bool)]) == {"data_centre_electricity",
                                                                  "ai_data_centre"}
    # RAN base stations (issue 21) are durable equipment too
    assert set(items.index[items["capital"].astype(bool)]) == {"ai_accelerator_server",
                                                               "euv_lithography_system",
                                                               "ran_equipment"}


def test_a_network_built_in_code_has_an_empty_parameter_table():
    empty = pd.DataFrame()
    bare = StackNetwork(stages=empty, items=empty, groups=empty, memberships=empty,
                        supplies=empty, recipes=empty, companies=empty, facilities=empty,
                        ownership=empty, export_controls=empty)
    assert bare.item_parameters.empty and "parameter" in bare.item_parameters.columns
