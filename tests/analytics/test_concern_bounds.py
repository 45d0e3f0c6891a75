"""Exposure bounds (issue 18 item 8): unattributed supply counted as not of concern (low) and
as of concern (high); low <= point <= high, equal when nothing is unattributed."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from paxsilica.analytics.exposure import concern_bounds, exposure_summary
from paxsilica.analytics.multitier import multitier_exposure


@given(st.floats(0, 1), st.floats(0, 1))
def test_bounds_bracket_the_point_and_meet_without_gaps(concern, rest):
    unattributed = (1 - concern) * rest
    row = concern_bounds(pd.DataFrame({"concern_share": [concern],
                                       "unattributed_share": [unattributed]})).iloc[0]
    assert row["concern_share_low"] <= row["concern_share"] <= row["concern_share_high"] <= 1
    assert row["concern_share_high"] == pytest.approx(min(1.0, concern + unattributed))
    if unattributed == 0:
        assert row["concern_share_low"] == row["concern_share_high"]


def test_single_tier_bounds_on_the_bundled_data(net):
    table = exposure_summary(net, latest=True, as_of="2026-07-01").set_index("item")
    assert (table["concern_share_low"] <= table["concern_share"] + 1e-12).all()
    assert (table["concern_share"] <= table["concern_share_high"] + 1e-12).all()
    located = table[table["unattributed_share"] < 1e-12]
    assert not located.empty
    assert (located["concern_share_high"] - located["concern_share_low"]).abs().max() < 1e-12
    # DRAM: only China's DRAM-only lower bound is located (0.13); the gap could hide the rest
    dram = table.loc["dram"]
    assert dram["concern_share_low"] == pytest.approx(0.13)
    assert dram["concern_share_high"] == pytest.approx(1.0)


@pytest.mark.parametrize("mode", ["essential", "weighted"])
def test_all_tier_bounds_bracket_the_point_and_meet_where_everything_is_located(net, mode):
    table = multitier_exposure(net, as_of="2026-07-01", mode=mode)
    assert (table["concern_share_low"] == table["concern_share"]).all()
    assert (table["concern_share"] <= table["concern_share_high"] + 1e-12).all()
    assert (table["concern_share_high"] <= 1 + 1e-12).all()
    closed = table[table["unattributed_share"] < 1e-12]
    assert not closed.empty
    assert (closed["concern_share_high"] - closed["concern_share"]).abs().max() < 1e-9
    # an unlocated upstream gap opens the range by at most the gap (union bound)
    assert (table["concern_share_high"]
            <= table["concern_share"] + table["unattributed_share"] + 1e-9).all()


def test_the_ai_server_headline_is_a_range_not_a_point(net):
    world = multitier_exposure(net, item="ai_accelerator_server", as_of="2026-07-01")
    row = world[world["country"] == "WLD"].iloc[0]
    assert row["concern_share_low"] < row["concern_share_high"]
