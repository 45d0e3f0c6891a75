"""Cable maps: great-circle distances (hand-worked), the schematic tree against networkx's
minimum spanning tree, flags that agree with connectivity(), and the members' overview."""

from __future__ import annotations

import math
from itertools import combinations

import networkx as nx
import numpy as np
import pytest

from paxsilica.analytics.cable_map import (
    EARTH_RADIUS_KM,
    cable_map,
    cable_segments,
    connectivity_overview,
    great_circle_km,
)
from paxsilica.analytics.connectivity import cables_of_concern, connectivity
from paxsilica.errors import NotFoundError
from paxsilica.model.network import StackNetwork
from paxsilica.store import open_store


@pytest.fixture(scope="module")
def net() -> StackNetwork:
    return StackNetwork.from_store(open_store(":memory:"))


def test_great_circle_distances_by_hand():
    quarter = math.pi / 2 * EARTH_RADIUS_KM  # equator to pole, or a quarter of the equator
    assert great_circle_km(np.array(0.0), np.array(0.0), np.array(90.0), np.array(0.0)) == pytest.approx(quarter)
    assert great_circle_km(np.array(0.0), np.array(170.0), np.array(0.0), np.array(-100.0)) == pytest.approx(quarter)
    assert great_circle_km(np.array(10.0), np.array(20.0), np.array(10.0), np.array(20.0)) == 0


def test_segments_form_the_shortest_tree_of_each_cable(net):
    points = net.landing_points.dropna(subset=["lat", "lon"]).set_index("landing_point_id")
    segments = cable_segments(net, net.cables["cable_id"])
    for cable, group in net.cable_landings.groupby("cable_id"):
        ids = [p for p in dict.fromkeys(group["landing_point_id"]) if p in points.index]
        legs = segments[segments["cable_id"] == cable]
        if len(ids) < 2:
            assert legs.empty
            continue
        graph = nx.Graph()  # oracle: networkx's minimum spanning tree of the complete graph
        for a, b in combinations(ids, 2):
            graph.add_edge(a, b, weight=float(great_circle_km(*points.loc[a, ["lat", "lon"]],
                                                             *points.loc[b, ["lat", "lon"]])))
        tree = nx.minimum_spanning_tree(graph)
        assert len(legs) == len(ids) - 1
        assert legs["km"].sum() == pytest.approx(tree.size(weight="weight"), rel=1e-9)
        joined = nx.Graph(list(zip(legs["from_id"], legs["to_id"], strict=True)))
        assert nx.is_connected(joined) and set(joined) == set(ids)


def test_flags_agree_with_connectivity(net):
    layout = cable_map(net, "TWN", 2024, cut=["faster"])
    answer = connectivity(net, "TWN", 2024, cut=["faster"])
    points = layout.points.set_index("landing_point_id")
    assert set(points.index[points["isolating"]]) == set(answer.isolating_sites)
    assert set(layout.cables.loc[layout.cables["connects"], "cable_id"]) == set(answer.cables)
    assert set(layout.cables.loc[layout.cables["connects_after"], "cable_id"]) == set(answer.cables_after)
    assert layout.cables.set_index("cable_id").loc["faster", "cut"]
    concern = set(cables_of_concern(net).query("of_concern")["cable_id"])
    landing = net.cable_landings
    expected = set(landing.loc[landing["cable_id"].isin(concern), "landing_point_id"])
    assert set(points.index[points["of_concern"]]) == expected & set(points.index)
    # Toucheng is one of Taiwan's sites and has no cited position: counted, not drawn
    assert "toucheng-taiwan" in layout.unlocated_sites and "toucheng-taiwan" in answer.sites
    assert set(layout.unlocated_sites) <= set(answer.sites)


def test_the_overview_counts_what_connectivity_answers(net):
    members = ["TWN", "USA", "LTU", "NLD", "KEN"]
    overview = connectivity_overview(net, members, 2024).set_index("country")
    for code in members:
        answer = connectivity(net, code, 2024)
        row = overview.loc[code]
        assert row["cables"] == len(answer.cables)
        assert row["landing_sites"] == len(answer.sites)
        assert row["isolating_sites"] == len(answer.isolating_sites)
        flagged = answer.table["owners_of_concern"].map(len) + answer.table["suppliers_of_concern"].map(len)
        assert row["cables_of_concern"] == int((flagged > 0).sum())
    assert overview.loc["NLD", "cables"] == 0  # no Dutch cable in the bundled set: 0, not an error
    assert list(overview["cables"]) == sorted(overview["cables"], reverse=True)


def test_unknown_names_are_clear_errors(net):
    with pytest.raises(NotFoundError, match="cut: unknown cable 'nope'"):
        cable_map(net, "TWN", 2024, cut=["nope"])
