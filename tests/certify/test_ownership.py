"""The 50% rule on hand-worked examples; look-through shares against networkx paths."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from paxsilica.certify.ownership import check_ownership, controlled_entities, look_through_share
from paxsilica.errors import ValidationError
from paxsilica.io.ftm import read_ftm

FIXTURES = Path(__file__).parents[1] / "fixtures" / "certify"


def test_aggregation_across_listed_owners_from_ftm():
    # Hand-worked: C is owned 30% by listed A and 25% by listed B -> 55% in aggregate;
    # D is owned 51% by C (now restricted) -> 51%; E is owned 49.9% by A -> not controlled.
    _, links = read_ftm(FIXTURES / "entities.ftm.json")
    found = controlled_entities(links, {"ftm-listed-a", "ftm-listed-b"}).set_index("entity_id")
    assert found["aggregate_percentage"].to_dict() == {"ftm-sub-c": 55.0, "ftm-sub-d": 51.0}
    assert found.loc["ftm-sub-d", "path"] == ["ftm-listed-a", "ftm-sub-c", "ftm-sub-d"]
    assert found.loc["ftm-sub-d", "round"] == 2
    assert sorted(found.loc["ftm-sub-c", "owners"]) == [("ftm-listed-a", 30.0),
                                                         ("ftm-listed-b", 25.0)]


def test_exactly_fifty_percent_counts():
    links = pd.DataFrame({"owner": ["L1", "L2"], "owned": ["X", "X"], "percentage": [25, 25]})
    assert controlled_entities(links, {"L1", "L2"})["entity_id"].tolist() == ["X"]
    assert controlled_entities(links, {"L1"}).empty


def test_cycles_terminate():
    links = pd.DataFrame({"owner": ["L", "A", "B"], "owned": ["A", "B", "A"],
                          "percentage": [60, 70, 20]})
    assert set(controlled_entities(links, {"L"})["entity_id"]) == {"A", "B"}


def test_look_through_matches_path_enumeration():
    links = pd.DataFrame({"owner": ["L", "L", "A", "B", "A", "C"],
                          "owned": ["A", "B", "C", "C", "D", "D"],
                          "percentage": [60, 40, 50, 30, 20, 70]})
    graph = nx.DiGraph()
    for row in links.itertuples():
        graph.add_edge(row.owner, row.owned, share=row.percentage / 100)
    expected = {}
    for target in ["A", "B", "C", "D"]:
        expected[target] = sum(
            math.prod(graph.edges[u, v]["share"] for u, v in itertools.pairwise(path))
            for path in nx.all_simple_paths(graph, "L", target))
    assert look_through_share(links, {"L"}).to_dict() == pytest.approx(expected)


def test_check_ownership_reports_every_problem():
    links = pd.DataFrame({"owner": ["A", "B", "C", "", "E"], "owned": ["X", "B", "X", "Y", "X"],
                          "percentage": ["60", "10", "abc", "5", "50"]})
    with pytest.raises(ValidationError) as caught:
        check_ownership(links, "own.csv")
    problems = {(e.row, e.field) for e in caught.value.errors}
    assert {(3, "owned"), (4, "percentage"), (5, "owner")} <= problems
    assert any("110%" in e.reason for e in caught.value.errors)
