"""The headline section: the AI server's and the AI data-centre service's exposure."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest

from paxsilica.analytics.multitier import multitier_exposure
from paxsilica.report.data import report_data
from paxsilica.report.html import SECTIONS
from paxsilica.report.sections import headline


@pytest.fixture(scope="module")
def section(net):
    return headline.build(report_data(net, as_of=date(2026, 12, 4)))


def test_headline_is_listed_right_after_the_overview():
    assert SECTIONS.index("paxsilica.report.sections.headline") == 1


def test_headline_figures_are_those_of_the_engine(net, section):
    table = multitier_exposure(net, as_of="2026-12-04", roles=("market",)).set_index("node")
    server = table.loc["market:WLD:ai_accelerator_server"]
    text = re.sub("<[^>]+>", "", section.body)
    assert f"own output located: {server['located_share']:.0%}" in text
    # a range, never a point alone (issue 18): low counts unlocated supply as safe, high as of
    # concern, and the input whose unlocated supply drives the high end is named
    assert server["concern_share_low"] < server["concern_share_high"]
    assert (f"At risk to countries of concern: {server['concern_share_low']:.0%}–"
            f"{server['concern_share_high']:.0%} (the high end assumes all unlocated supply is "
            "of concern; the unlocated supply of") in text
    service = table.loc["market:WLD:ai_data_centre"]
    assert (f"At risk to countries of concern: {service['concern_share_low']:.0%}–"
            f"{service['concern_share_high']:.0%}") in text
    assert "Taiwan" in text  # the server's own country is named


def test_weak_share_counts_low_and_derived_rows_only():
    frame = pd.DataFrame({"item": ["x"] * 3, "share": [0.5, 0.3, 0.2],
                          "confidence": ["high", "medium", "low"],
                          "basis": ["reported", "estimate", "reported"]})
    assert headline.weak_shares(frame)["x"] == pytest.approx(0.5)


def test_section_is_skipped_without_the_recipe_tree(net):
    from dataclasses import replace
    empty = replace(net, recipes=net.recipes.iloc[0:0])
    assert headline.build(report_data(empty, as_of=date(2026, 12, 4))) is None


def test_items_located_by_exports_count_as_weak(net):
    fans = pd.DataFrame({"year": [2024, 2024], "exporter": ["CHN", "MYS"], "importer": ["JPN", "JPN"],
                         "hs6": ["841459", "841459"], "item_id": ["cooling_fan", "cooling_fan"],
                         "value_kusd": [800.0, 200.0], "quantity_t": [None, None],
                         "dataset": ["baci", "baci"]})

    from dataclasses import replace

    plain = re.sub("<[^>]+>", "", headline.build(report_data(net, as_of=date(2026, 12, 4))).body)
    traded = re.sub("<[^>]+>", "", headline.build(report_data(replace(net, trade_flows=fans),
                                                               as_of=date(2026, 12, 4))).body)
    fan = net.items.set_index("item_id").loc["cooling_fan", "name"]
    assert fan not in plain.split("rest mostly")[1]
    assert fan in traded.split("rest mostly")[1]
