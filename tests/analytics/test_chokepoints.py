"""Chokepoints on the hand-worked example (docs/multitier.md): extraction losses by hand,
betweenness against networkx on the same graph, and a brute-force re-run per node."""

from pathlib import Path

import numpy as np
import pytest

from paxsilica.analytics.chokepoints import chokepoints, end_items, extraction_losses
from paxsilica.analytics.multitier import at_risk
from paxsilica.analytics.network import sourcing_network
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
    assert "producer:CHN:coating" not in lost  # substitutable: no loss in the essential mode
    assert table.iloc[0]["node"] == "producer:CHN:oxide"
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
    table = chokepoints(example, end_item="magnet", top=50, as_of="2025-06-01")
    links = table[table["kind"] == "link"].set_index(["node", "supplier"])["output_lost"]
    assert links["market:WLD:oxide", "producer:CHN:oxide"] == pytest.approx(0.9)
    assert links["market:WLD:ore", "producer:AUS:ore"] == pytest.approx(0.3)


def test_betweenness_counts_paths_from_origins_to_the_end_item(example):
    table = chokepoints(example, end_item="magnet", top=50, as_of="2025-06-01",
                        roles=("producer", "market"))
    between = table[table["kind"] == "node"].set_index("node")["betweenness"]
    # origins: 3 ore producers and the coating producer; every ore path runs through the
    # ore pool: 3 origins x (paths via CHN oxide and AUS oxide, each split over 2 magnet makers)
    assert between["market:WLD:ore"] == pytest.approx(3.0)
    assert between["market:WLD:oxide"] == pytest.approx(3.0)


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
    assert result.exit_code == 2 and "unknown mode" in result.output


def test_report_has_the_multitier_section(net):
    from paxsilica.report.html import ReportContext
    from paxsilica.report.sections.multitier import build

    section = build(ReportContext(net, __import__("datetime").date(2026, 7, 1)))
    assert section is not None and section.section_id == "multitier"
    assert "multitier-sankey" in section.body and "Chokepoints" in section.body
    assert "producer:CHN:ndfeb_magnet" in section.body


def test_essential_extraction_refuses_huge_candidate_sets(example, monkeypatch):
    import paxsilica.analytics.chokepoints as module
    from paxsilica.errors import PaxsilicaError

    monkeypatch.setattr(module, "ESSENTIAL_LIMIT", 3)
    snet = sourcing_network(example, as_of="2025-06-01")
    target = snet.node_index("market:WLD:magnet")
    with pytest.raises(PaxsilicaError, match="mode='weighted'"):
        extraction_losses(snet, target)
    assert extraction_losses(snet, target, mode="weighted")[target] == pytest.approx(1.0)
