"""Chokepoints on the hand-worked example (docs/multitier.md): extraction losses by hand,
betweenness against networkx on the same graph, and a brute-force re-run per node."""

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from paxsilica.analytics.chokepoints import (
    chokepoints,
    end_items,
    extraction_losses,
    rank_chokepoints,
)
from paxsilica.analytics.multitier import at_risk
from paxsilica.analytics.network import sourcing_network, sourcing_network_from_edges
from paxsilica.errors import PaxsilicaError
from paxsilica.model.network import StackNetwork
from paxsilica.store import Store, import_file

EXAMPLE = Path(__file__).parents[1] / "fixtures" / "trade" / "multitier_example"


@pytest.fixture(scope="module")
def example() -> StackNetwork:
    store = Store(":memory:")
    for kind in ["stages", "items", "groups", "memberships", "supplies", "recipes"]:
        import_file(store, kind, EXAMPLE / f"{kind}.csv")
    return StackNetwork.from_store(store)


def test_node_extraction_losses_match_the_hand_worked_values(example):
    table = chokepoints(example, end_item="magnet", top=20, as_of="2025-06-01", links=False)
    lost = table.set_index("node")["output_lost"]
    assert lost["producer:CHN:oxide"] == pytest.approx(0.9)  # oxide pool -> both magnet makers
    assert lost["producer:CHN:magnet"] == pytest.approx(0.5)
    # both oxide makers buy from the ore pool, so losing CHN ore (0.6 of it) binds everywhere
    assert lost["producer:CHN:ore"] == pytest.approx(0.6)
    assert lost["producer:CHN:coating"] == 0.0  # substitutable: no loss in the essential mode
    assert table.iloc[0]["node"] == "producer:CHN:oxide"
    assert table.iloc[-1]["node"] == "producer:CHN:coating"  # listed only for its path
    assert list(table["rank"]) == list(range(1, len(table) + 1))


def test_weighted_mode_counts_substitutable_inputs_by_weight(example):
    table = chokepoints(example, end_item="magnet", top=20, as_of="2025-06-01", mode="weighted",
                        links=False)
    assert table.set_index("node").loc["producer:CHN:coating", "output_lost"] == pytest.approx(0.5)


def test_extraction_equals_a_brute_force_rerun_for_every_node(example):
    snet = sourcing_network(example, as_of="2025-06-01")
    target = snet.node_index("market:WLD:magnet")
    for mode in ("essential", "weighted"):
        losses = extraction_losses(snet, target, mode=mode)
        for node in range(len(snet.nodes)):
            origin = np.zeros(len(snet.nodes))
            origin[node] = 1.0
            assert losses[node] == pytest.approx(at_risk(snet, origin, mode=mode)[target])


def test_link_loss_is_share_times_buyer_loss(example):
    table = chokepoints(example, end_item="magnet", top=50, as_of="2025-06-01",
                        roles=("producer", "market"))
    links = table[table["kind"] == "link"].set_index(["node", "supplier"])["output_lost"]
    # the oxide makers' links to the ore pool: share 1 x essential x the buyer's loss
    assert links["producer:CHN:oxide", "market:WLD:ore"] == pytest.approx(0.9)
    assert links["producer:AUS:oxide", "market:WLD:ore"] == pytest.approx(0.1)


def test_each_chokepoint_appears_once_without_trade_data(example):
    table = chokepoints(example, end_item="magnet", top=3, as_of="2025-06-01")
    # a producer's only outlet is the world pool: its link would repeat the node's row
    assert list(table["kind"]) == ["node"] * 3
    assert list(table["node"]) == ["producer:CHN:oxide", "producer:CHN:ore", "producer:CHN:magnet"]
    everything = chokepoints(example, end_item="magnet", top=50, as_of="2025-06-01")
    assert (everything["kind"] == "node").all()


def test_links_of_a_supplier_with_several_buyers_are_listed(example):
    # Japan imports all its oxide from Australia: Australian oxide now has two buyers
    trade = pd.DataFrame({"year": [2024], "exporter": ["AUS"], "importer": ["JPN"], "hs6": ["284690"],
                          "item_id": ["oxide"], "value_kusd": [100.0], "quantity_t": [1.0]})
    table = chokepoints(example, end_item="magnet", top=50, as_of="2025-06-01", trade=trade)
    nodes = table[table["kind"] == "node"].set_index("node")["output_lost"]
    links = table[table["kind"] == "link"].set_index(["node", "supplier"])["output_lost"]
    # JPN magnet (0.5 of world magnets) needs Japan's oxide, all Australian; CHN magnet
    # (the other 0.5) buys the world pool, 0.1 Australian: 0.5 x 1 + 0.5 x 0.1
    assert nodes["producer:AUS:oxide"] == pytest.approx(0.55)
    assert links["market:JPN:oxide", "producer:AUS:oxide"] == pytest.approx(0.5)
    assert links["market:WLD:oxide", "producer:AUS:oxide"] == pytest.approx(0.05)
    assert nodes["producer:CHN:oxide"] == pytest.approx(0.45)  # reaches CHN magnet only
    assert "producer:CHN:oxide" not in set(links.index.get_level_values("supplier"))


def test_top_below_one_is_refused(example):
    for top in (0, -3):
        with pytest.raises(PaxsilicaError, match="at least 1"):
            chokepoints(example, end_item="magnet", top=top, as_of="2025-06-01")


def test_betweenness_counts_paths_from_origins_to_the_end_item(example):
    table = chokepoints(example, end_item="magnet", top=50, as_of="2025-06-01",
                        roles=("producer", "market"))
    between = table[table["kind"] == "node"].set_index("node")["betweenness"]
    # origins: 3 ore producers and the coating producer; every ore path runs through the
    # ore pool: 3 origins x (paths via CHN oxide and AUS oxide, each split over 2 magnet makers)
    assert between["market:WLD:ore"] == pytest.approx(3.0)
    assert between["market:WLD:oxide"] == pytest.approx(3.0)
    # endpoints included: an origin lies on its own path to the end item (once)
    assert between["producer:CHN:ore"] == pytest.approx(1.0)
    assert between["producer:CHN:coating"] == pytest.approx(1.0)


def test_sampled_betweenness_with_every_origin_equals_the_exact_count(example):
    exact = chokepoints(example, end_item="magnet", top=50, as_of="2025-06-01")
    sampled = chokepoints(example, end_item="magnet", top=50, as_of="2025-06-01",
                          exact_limit=0, k=4)  # 4 origins: all sampled, scale 1
    assert sampled["betweenness"].tolist() == exact["betweenness"].tolist()


def test_bundled_end_items_and_magnet_chokepoint(net):
    assert "ai_data_centre" in end_items(net)
    top = chokepoints(net, end_item="ndfeb_magnet", top=5, as_of="2026-07-01")
    assert top.iloc[0]["country"] == "CHN"
    assert (top["output_lost"].diff().dropna() <= 1e-12).all()


def test_cli_chokepoints_and_multitier_exposure(tmp_path):
    import json

    from typer.testing import CliRunner

    from paxsilica.cli.app import app

    runner = CliRunner()
    db = str(tmp_path / "p.duckdb")
    result = runner.invoke(app, ["--db", db, "chokepoints", "--item", "ndfeb_magnet", "--top", "3",
                                 "--as-of", "2026-07-01", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 3 and rows[0]["country"] == "CHN"
    result = runner.invoke(app, ["--db", db, "exposure", "--tiers", "all", "--item", "gallium_nitride",
                                 "--as-of", "2026-07-01", "--format", "json"])
    assert result.exit_code == 0, result.output
    world = next(r for r in json.loads(result.stdout) if r["node"] == "market:WLD:gallium_nitride")
    assert world["concern_share"] > 0.9 and world["direct_concern_share"] == 0.0
    result = runner.invoke(app, ["--db", db, "chokepoints", "--mode", "fuzzy"])
    assert result.exit_code == 2 and "mode: Input should be" in result.output


def test_report_has_the_multitier_section(net):
    from paxsilica.report.data import report_data
    from paxsilica.report.sections.multitier import build

    section = build(report_data(net, as_of="2026-07-01"))
    assert section is not None and section.section_id == "multitier"
    assert "multitier-sankey" in section.body and "Chokepoints" in section.body
    assert "producer:CHN:" in section.body  # China's producers of the riskiest upstream item


def test_essential_extraction_refuses_huge_candidate_sets(example, monkeypatch):
    import paxsilica.analytics.chokepoints as module
    from paxsilica.errors import PaxsilicaError

    monkeypatch.setattr(module, "ESSENTIAL_LIMIT", 3)
    snet = sourcing_network(example, as_of="2025-06-01")
    target = snet.node_index("market:WLD:magnet")
    with pytest.raises(PaxsilicaError, match="mode='weighted'"):
        extraction_losses(snet, target)
    assert extraction_losses(snet, target, mode="weighted")[target] == pytest.approx(1.0)


# P pools x from A 0.5, B 0.3 and C 0.2; B needs x from P (a cycle P -> B -> P).
# Stopping A: r_P = 0.5 + 0.3 r_P = 5/7; C: 2/7; B itself: only its 0.3 share, 0.3.
# (One transposed solve would give B 0.3 / 0.7: walks through B counted twice.)
CYCLE_NODES = pd.DataFrame({"node": ["P", "A", "B", "C"], "country": ["WLD", "CHN", "JPN", "AUS"],
                            "item_id": "x"})
CYCLE_EDGES = pd.DataFrame({"buyer": [0, 0, 0, 2], "supplier": [1, 2, 3, 0], "input_item": "x",
                            "share": [0.5, 0.3, 0.2, 1.0]})


@pytest.mark.parametrize("mode", ["essential", "weighted"])
def test_extraction_on_a_cycle_matches_the_hand_worked_values(mode):
    snet = sourcing_network_from_edges(CYCLE_NODES, CYCLE_EDGES)
    losses = extraction_losses(snet, 0, mode=mode)
    assert losses.tolist() == pytest.approx([1.0, 5 / 7, 0.3, 2 / 7])


# The same, and B also needs y from A: A now sells to P and to B (two outlets).
FED_BACK = pd.concat([CYCLE_EDGES, pd.DataFrame({"buyer": [2], "supplier": [1],
                                                 "input_item": ["y"], "share": [1.0]})],
                     ignore_index=True)


@pytest.mark.parametrize(("mode", "node_a", "link_pa", "link_ba"), [
    # essential: r_B = max(r_P, r_A). A stops: r_P = 0.5 + 0.3 = 0.8. P <- A cut: B keeps
    # its y, so r_B = r_P and r_P = 0.5 + 0.3 r_P = 5/7 (not 0.5 x loss(P) = 0.5).
    # B <- A cut: B stops, r_P = 0.3.
    ("essential", 0.8, 5 / 7, 0.3),
    # weighted: r_B = (r_P + r_A) / 2. A stops: r_P = 0.65 + 0.15 r_P = 13/17. P <- A cut:
    # r_P = 0.5 + 0.15 r_P = 10/17. B <- A cut: r_P = 0.15 + 0.15 r_P = 3/17.
    ("weighted", 13 / 17, 10 / 17, 3 / 17),
])
def test_a_cut_link_on_a_cycle_counts_the_loss_fed_back(mode, node_a, link_pa, link_ba):
    snet = sourcing_network_from_edges(CYCLE_NODES, FED_BACK)
    table = rank_chokepoints(snet, 0, mode=mode, top=20)
    links = table[table["kind"] == "link"].set_index(["node", "supplier"])["output_lost"]
    assert table[table["kind"] == "node"].set_index("node").loc["A", "output_lost"] == (
        pytest.approx(node_a))
    assert links["P", "A"] == pytest.approx(link_pa)
    assert links["B", "A"] == pytest.approx(link_ba)


def _with_recipe(net, output_item, input_item, quantity):
    line = net.recipes.iloc[[0]].assign(output_item=output_item, input_item=input_item,
                                        quantity=quantity, essential=True)
    return dataclasses.replace(net, recipes=pd.concat([net.recipes, line], ignore_index=True))


@pytest.mark.parametrize(("mode", "loss"), [("essential", 1.0), ("weighted", 0.5)])
def test_recipe_cycle_chokepoints_are_not_empty(example, mode, loss):
    # ore <-> oxide: the loop has no outside supply, so any ore or oxide maker stopping
    # empties it; magnet makers need it fully (essential) or for half their inputs (weighted)
    cyclic = _with_recipe(example, "ore", "oxide", 0.5)
    table = chokepoints(cyclic, end_item="magnet", top=20, as_of="2025-06-01", mode=mode,
                        links=False).set_index("node")["output_lost"]
    for node in ("producer:CHN:ore", "producer:AUS:ore", "producer:MYS:ore",
                 "producer:CHN:oxide", "producer:AUS:oxide"):
        assert table[node] == pytest.approx(loss)
    snet = sourcing_network(cyclic, as_of="2025-06-01")
    target = snet.node_index("market:WLD:magnet")
    losses = extraction_losses(snet, target, mode=mode)
    for node in range(len(snet.nodes)):
        origin = np.zeros(len(snet.nodes))
        origin[node] = 1.0
        assert losses[node] == pytest.approx(at_risk(snet, origin, mode=mode)[target])
