"""io.bea: the bundled BEA 2023 summary tables, the industry-by-industry system built from them,
the item-to-industry mapping, and what the reader refuses."""

from __future__ import annotations

import csv
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paxsilica.errors import ValidationError
from paxsilica.io.bea import bea_io_table, item_industries, read_bea_table, us_io_system
from paxsilica.linalg.mrio import MRIO
from paxsilica.model.parameters import item_parameter
from paxsilica.store.bundled import bundled_path


@pytest.fixture(scope="module")
def table():
    return bea_io_table()


def test_the_system_balances_by_rows_and_columns(table):
    assert table.Z.shape == (71, 71)
    assert table.balance().abs().max() < 1e-3  # BEA rounds every cell to $1 million


def test_output_equals_the_industry_output_bea_prints(table):
    # independent oracle: BEA's own "Total Industry Output" row (T008) of the Use table
    printed = read_bea_table(bundled_path("io/bea_summary_2023_use.csv")).loc["T008"]
    x = table.x.droplevel("region")
    gap = (x - printed.reindex(x.index)).abs()
    assert gap.max() <= 40  # millions of USD: summed rounding of up to ~75 cells


def test_value_added_adds_up_to_us_gdp(table):
    # independent oracle: US GDP 2023 was about $27.7 trillion (BEA NIPA, current dollars);
    # value added by industry sums to GDP in the IO accounts
    gdp = table.VA.to_numpy().sum() / 1e6
    assert gdp == pytest.approx(27.7, rel=0.02)


def test_value_added_ratios_are_shares(table):
    ratio = table.value_added_ratio()
    assert ((ratio > 0) & (ratio < 1)).all()
    assert ratio.loc[("USA", "334")] == pytest.approx(0.744, abs=0.001)


def test_the_system_is_an_mrio_with_value_added(table):
    system = us_io_system(table)
    assert isinstance(system, MRIO)
    assert list(system.extensions) == ["value_added"]
    x = np.asarray(system.Z.sum(axis=1)).ravel() + system.Y.to_numpy().sum(axis=1)
    assert np.allclose(x, table.x.to_numpy(), rtol=1e-3)


def test_every_catalogue_item_maps_to_known_industries(net, table):
    mapping = item_industries()
    assert set(mapping["item_id"]) == set(net.items["item_id"])
    assert set(mapping["bea_code"]) <= set(table.x.index.get_level_values("sector"))
    assert mapping.groupby("item_id")["share"].sum().eq(1).all()
    assert mapping.set_index("item_id").loc["ai_data_centre", "bea_code"] == "514"
    assert (mapping["basis"] == "derived").all() and mapping["note"].str.len().gt(40).all()


def test_bundled_value_added_ratios_are_those_of_the_table(net, table):
    ratios = item_parameter(net, "value_added_ratio", as_of=2025).set_index("item_id")
    mapping = item_industries().set_index("item_id")
    expected = table.value_added_ratio().droplevel("region")
    for item, row in ratios.iterrows():
        assert row["country"] == "USA" and row["year"] == 2023
        assert row["value"] == pytest.approx(expected[mapping.loc[item, "bea_code"]], abs=1e-4)


def _write(tmp_path, rows):
    path = tmp_path / "t.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _refusal(tmp_path, rows) -> list:
    with pytest.raises(ValidationError) as caught:
        read_bea_table(_write(tmp_path, rows))
    return caught.value.errors


def test_bad_cells_and_codes_are_named(tmp_path):
    head = [["code", "name", "A", "B"], ["", "(column names)", "a", "b"]]
    error = _refusal(tmp_path, [*head, ["X", "x", "1", "two"]])[0]
    assert (error.row, error.field) == (3, "B") and "two" in error.reason
    error = _refusal(tmp_path, [*head, ["X", "x", "inf", "1"]])[0]
    assert error.field == "A" and "finite" in error.reason
    errors = _refusal(tmp_path, [*head, ["X", "x", "1", "1"], ["X", "y", "1", "1"]])
    assert any("duplicate row code 'X'" in e.reason for e in errors)
    error = _refusal(tmp_path, [*head, ["", "x", "1", "1"]])[0]
    assert (error.row, error.field) == (3, "code")
    with pytest.raises(ValidationError, match="no such file"):
        read_bea_table(tmp_path / "missing.csv")


def test_tables_that_disagree_are_refused(tmp_path):
    use = _write(tmp_path, [["code", "name", "I1", "F010"], ["", "", "i1", "pce"],
                            ["C9", "c9", "1", "2"]])
    make = tmp_path / "m.csv"
    make.write_text("code,name,C1\n,,c1\nI1,i1,3\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="commodity 'C9'"):
        bea_io_table(use, make)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.one_of(st.text(max_size=6), st.sampled_from(
    ["1", "-2.5", "1e308", "nan", "...", "", "1,000"])), min_size=4, max_size=4), max_size=5))
def test_fuzzed_tables_give_a_clean_error_or_finite_numbers(tmp_path, cells):
    head = [["code", "name", "A", "B"], ["", "(column names)", "a", "b"]]
    path = _write(tmp_path, [*head, *cells])
    try:
        frame = read_bea_table(path)
    except ValidationError as error:
        assert all(e.reason for e in error.errors)
        return
    assert all(math.isfinite(v) for v in frame.to_numpy().ravel())
    assert isinstance(frame, pd.DataFrame)
