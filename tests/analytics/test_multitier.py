"""Multi-tier exposure against the hand-worked three-tier example of docs/multitier.md,
and the sparse solver against a dense solve and a networkx path enumeration."""

import dataclasses
import itertools
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from paxsilica.analytics.multitier import (
    CycleError,
    at_risk,
    country_dependence,
    embodied_origins,
    multitier_exposure,
    solve_sparse,
)
from paxsilica.analytics.network import sourcing_network, sourcing_network_from_edges
from paxsilica.errors import PaxsilicaError
from paxsilica.model.network import StackNetwork
from paxsilica.store import Store, import_file

EXAMPLE = Path(__file__).parents[1] / "fixtures" / "trade" / "multitier_example"
KINDS = ["stages", "items", "groups", "memberships", "supplies", "recipes"]


@pytest.fixture(scope="module")
def example() -> StackNetwork:
    store = Store(":memory:")
    for kind in KINDS:
        import_file(store, kind, EXAMPLE / f"{kind}.csv")
    return StackNetwork.from_store(store)


def _table(example, mode):
    table = multitier_exposure(example, group="coalition", concern="concern", as_of="2025-06-01",
                               mode=mode)
    return table.set_index("node")


def test_essential_mode_matches_the_hand_worked_example(example):
    t = _table(example, "essential")["concern_share"]
    # tier 3: ore pool = CHN's 60 % share
    assert t["market:WLD:ore"] == pytest.approx(0.6)
    # tier 2: Australian oxide depends on the ore pool; the oxide pool mixes 0.9 CHN + 0.1 AUS
    assert t["producer:AUS:oxide"] == pytest.approx(0.6)
    assert t["market:WLD:oxide"] == pytest.approx(0.9 * 1 + 0.1 * 0.6)
    # tier 1: the Japanese magnet maker needs oxide (essential); coating is substitutable
    assert t["producer:JPN:magnet"] == pytest.approx(0.96)
    assert t["market:WLD:magnet"] == pytest.approx(0.5 * 1 + 0.5 * 0.96)


def test_weighted_mode_matches_the_hand_worked_example(example):
    t = _table(example, "weighted")["concern_share"]
    assert t["producer:JPN:magnet"] == pytest.approx(0.5 * 0.96 + 0.5 * 1.0)
    assert t["market:WLD:magnet"] == pytest.approx(0.5 + 0.5 * 0.98)


def test_direct_and_coalition_shares_of_the_example(example):
    t = _table(example, "essential")
    assert t.loc["market:WLD:magnet", "direct_concern_share"] == pytest.approx(0.5)
    # non-members (CHN, MYS) stop: ore pool 0.7 at risk, oxide pool 0.9 + 0.1*0.7
    assert t.loc["market:WLD:magnet", "coalition_share"] == pytest.approx(1 - (0.5 + 0.5 * 0.97))
    assert (t["unattributed_share"] == 0).all()


def test_embodied_origins_multiply_recipe_quantities_along_paths(example):
    snet = sourcing_network(example, as_of="2025-06-01")
    origins = embodied_origins(snet, "market:WLD:magnet").set_index(["item", "country"])["amount"]
    assert origins["ore", "CHN"] == pytest.approx(0.3 * 1.2 * 0.6)
    assert origins["ore", "MYS"] == pytest.approx(0.3 * 1.2 * 0.1)
    assert origins["oxide", "AUS"] == pytest.approx(0.3 * 0.1)
    assert origins["coating", "CHN"] == pytest.approx(0.01)


def test_country_dependence_is_per_country_not_a_partition(example):
    snet = sourcing_network(example, as_of="2025-06-01")
    dep = country_dependence(snet, ["producer:JPN:magnet"]).set_index("country")["dependence"]
    assert dep["CHN"] == pytest.approx(0.96)
    # AUS stops: the ore pool loses 0.3, so Chinese oxide loses 0.3 and Australian oxide all
    assert dep["AUS"] == pytest.approx(0.9 * 0.3 + 0.1 * 1.0)
    assert dep["JPN"] == pytest.approx(1.0)


def test_trade_data_replace_the_global_pool_for_the_importer(example):
    # Japan imports all its foreign oxide from Australia; its own oxide share is 0
    trade = pd.DataFrame({"year": [2024], "exporter": ["AUS"], "importer": ["JPN"], "hs6": ["284690"],
                          "item_id": ["oxide"], "value_kusd": [100.0], "quantity_t": [1.0]})
    table = multitier_exposure(example, group="coalition", concern="concern", as_of="2025-06-01",
                               trade=trade).set_index("node")["concern_share"]
    assert table["market:JPN:oxide"] == pytest.approx(0.6)  # = Australian oxide's dependence
    assert table["producer:JPN:magnet"] == pytest.approx(0.6)


def test_sparse_solver_agrees_with_a_dense_solve_and_with_path_sums():
    rng = np.random.default_rng(7)
    n = 60
    dense = np.triu(rng.random((n, n)) * (rng.random((n, n)) < 0.1), k=1)
    dense /= np.maximum(dense.sum(axis=1, keepdims=True), 1.0)
    b = rng.random(n)
    x = solve_sparse(sp.csr_matrix(dense), b)
    assert np.allclose(x, np.linalg.solve(np.eye(n) - dense, b))
    # independent oracle: x_0 = sum over all paths 0 -> m of the product of weights times b_m
    graph = nx.DiGraph([(i, j, {"w": dense[i, j]}) for i, j in zip(*np.nonzero(dense), strict=True)])
    total = b[0]
    for m in range(1, n):
        if graph.has_node(0) and graph.has_node(m):
            for path in nx.all_simple_paths(graph, 0, m):
                total += np.prod([dense[a, c] for a, c in itertools.pairwise(path)]) * b[m]
    assert x[0] == pytest.approx(total)


def test_large_network_iterative_path_equals_direct(monkeypatch):
    import paxsilica.analytics.multitier as multitier

    rng = np.random.default_rng(3)
    n = 500
    nodes = pd.DataFrame({"node": [f"n{i}" for i in range(n)], "country": "X"})
    buyers = rng.integers(1, n, 2000)
    suppliers = (buyers * rng.random(2000)).astype(int)
    edges = pd.DataFrame({"buyer": buyers, "supplier": suppliers, "input_item": buyers % 3,
                          "share": rng.random(2000) + 0.01})
    snet = sourcing_network_from_edges(nodes, edges)
    origin = np.zeros(n, dtype=bool)
    origin[:20] = True
    direct = at_risk(snet, origin, mode="weighted")
    monkeypatch.setattr(multitier, "DIRECT_LIMIT", 10)
    assert np.allclose(at_risk(snet, origin, mode="weighted"), direct)


def test_amplifying_cycle_is_a_clear_error(monkeypatch):
    import paxsilica.analytics.multitier as multitier

    monkeypatch.setattr(multitier, "DIRECT_LIMIT", 0)
    cycle = sp.csr_matrix(np.array([[0.0, 1.5], [1.0, 0.0]]))
    with pytest.raises(PaxsilicaError, match="did not converge"):
        solve_sparse(cycle, np.ones(2), max_iter=50)


def test_unknown_mode_is_rejected(example):
    with pytest.raises(PaxsilicaError, match="unknown mode"):
        multitier_exposure(example, group="coalition", concern="concern", mode="fuzzy")


def test_bundled_server_depends_on_chinese_gallium_only_through_a_substitutable_input(net):
    table = multitier_exposure(net, as_of="2026-07-01").set_index("node")
    essential = table.loc["market:WLD:power_supply_unit", "concern_share"]
    weighted = multitier_exposure(net, as_of="2026-07-01", mode="weighted").set_index("node").loc[
        "market:WLD:power_supply_unit", "concern_share"]
    gallium = table.loc["market:WLD:gallium", "concern_share"]
    assert essential == 0.0  # GaN switches are marked substitutable in recipes.csv
    # the PSU's only recipe input chain is GaN devices <- GaN <- gallium: Innoscience's share
    # of GaN devices is located in China, the unlocated rest is sourced through the chain
    assert weighted == pytest.approx(0.337 + (1 - 0.337) * gallium)


def test_items_without_producer_data_take_world_shares_from_exports(net):
    # no cited producer shares for GaN: Malaysia (0.8) and China (0.2) export it
    trade = pd.DataFrame({"year": [2024, 2024], "exporter": ["MYS", "CHN"], "importer": ["JPN", "JPN"],
                          "hs6": ["285000", "285000"], "item_id": ["gallium_nitride"] * 2,
                          "value_kusd": [800.0, 200.0], "quantity_t": [None, None]})
    table = multitier_exposure(net, as_of="2026-07-01", trade=trade).set_index("node")
    gallium_pool = table.loc["market:WLD:gallium", "concern_share"]
    japan = table.loc["market:JPN:gallium_nitride"]
    assert japan["direct_concern_share"] == pytest.approx(0.2)
    # the Malaysian GaN maker buys gallium from the world pool (essential input)
    assert japan["concern_share"] == pytest.approx(0.8 * gallium_pool + 0.2 * 1.0)
    assert table.loc["market:WLD:gallium_nitride", "sourcing"] == "export shares"


def _edges(nodes, edges):
    """A sourcing network from ``(buyer, supplier, input_item, share)`` tuples."""
    frame = pd.DataFrame(edges, columns=["buyer", "supplier", "input_item", "share"])
    return sourcing_network_from_edges(pd.DataFrame(nodes, columns=["node", "country", "item_id"]),
                                       frame)


LOOP = [("a", "X", "a"), ("b", "Y", "b")]
LOOP_EDGES = [(0, 1, "b", 1.0), (1, 0, "a", 1.0)]


def test_a_closed_loop_that_reaches_no_origin_is_zero_not_a_singular_system():
    snet = _edges(LOOP, LOOP_EDGES)
    for mode in ("essential", "weighted"):
        assert at_risk(snet, np.array([False, False]), mode=mode).tolist() == [0.0, 0.0]
        assert at_risk(snet, np.array([True, False]), mode=mode).tolist() == [1.0, 1.0]


# P pools x from A (an origin, 0.1 %), B (99.8 %) and C (0.1 %); B needs x from P.
# r_P = 0.001 + 0.998 r_B and r_B = r_P, so r_P = 0.001 / 0.002 = 0.5. Plain sweeps
# converge at rate 0.998 (about 16 000 sweeps); the solver must still get 0.5.
SLOW = [("P", "WLD", "x"), ("A", "CHN", "x"), ("B", "JPN", "x"), ("C", "AUS", "x")]
SLOW_EDGES = [(0, 1, "x", 0.001), (0, 2, "x", 0.998), (0, 3, "x", 0.001), (2, 0, "x", 1.0)]


def test_a_slowly_converging_cycle_reaches_the_hand_worked_fixed_point():
    snet = _edges(SLOW, SLOW_EDGES)
    origin = np.array([False, True, False, False])
    for mode in ("essential", "weighted"):
        risk = at_risk(snet, origin, mode=mode)
        assert risk[0] == pytest.approx(0.5, abs=1e-12)
        assert risk[2] == pytest.approx(0.5, abs=1e-12)
    both = at_risk(snet, np.column_stack([origin, [False, False, False, True]]))
    assert both[0].tolist() == pytest.approx([0.5, 0.5], abs=1e-12)


def test_an_amplifying_cycle_is_a_cycle_error_naming_its_items():
    # a needs b (weight 2) and an origin c (0.5); b needs a: r_a = 2 r_a + 0.5 has no
    # non-negative solution, so LU's answer (-0.5) must not be returned
    snet = _edges([*LOOP, ("c", "CHN", "c")], [(0, 1, "b", 1.0), (0, 2, "c", 1.0), (1, 0, "a", 1.0)])
    weights = np.array([2.0, 0.5, 1.0])  # groups sorted by buyer: a<-b, a<-c, b<-a
    with pytest.raises(CycleError, match="cycle through a, b") as caught:
        at_risk(snet, np.array([False, False, True]), mode="weighted", weights=weights)
    assert caught.value.items == ("a", "b")
    assert isinstance(caught.value, PaxsilicaError)


def _with_recipe(net, output_item, input_item, quantity):
    line = net.recipes.iloc[[0]].assign(output_item=output_item, input_item=input_item,
                                        quantity=quantity, essential=True)
    return dataclasses.replace(net, recipes=pd.concat([net.recipes, line], ignore_index=True))


def test_embodied_content_through_a_productive_recipe_cycle(example):
    # ore now needs 0.5 t oxide: oxide = 0.3 + 0.5 ore and ore = 1.2 oxide, so
    # oxide = 0.3 / (1 - 0.6) = 0.75 t and ore = 0.9 t per tonne of magnet
    cyclic = _with_recipe(example, "ore", "oxide", 0.5)
    snet = sourcing_network(cyclic, as_of="2025-06-01")
    amount = embodied_origins(snet, "market:WLD:magnet").groupby("item")["amount"].sum()
    assert amount["oxide"] == pytest.approx(0.75)
    assert amount["ore"] == pytest.approx(0.9)
    assert amount["coating"] == pytest.approx(0.01)


def test_a_recipe_cycle_that_never_ends_is_a_cycle_error(example):
    cyclic = _with_recipe(example, "ore", "oxide", 1.0)  # 1.2 t ore -> 1.2 t oxide -> ...
    snet = sourcing_network(cyclic, as_of="2025-06-01")
    with pytest.raises(CycleError, match="cycle through ore, oxide"):
        embodied_origins(snet, "market:WLD:magnet")


def test_a_recipe_cycle_without_exit_loses_everything_when_any_member_stops(example):
    # every ore and oxide maker needs the other's pool; a loop with no outside supply
    cyclic = _with_recipe(example, "ore", "oxide", 0.5)
    t = multitier_exposure(cyclic, group="coalition", concern="concern", as_of="2025-06-01",
                           mode="weighted").set_index("node")["concern_share"]
    assert t["market:WLD:oxide"] == pytest.approx(1.0)
    # weighted: the Japanese magnet maker is 1/2 oxide (all lost) + 1/2 coating (Chinese)
    assert t["producer:JPN:magnet"] == pytest.approx(1.0)
    assert t["producer:AUS:ore"] == pytest.approx(1.0)


def test_new_columns_bracket_the_coalition_share_and_locate_own_output(example):
    t = _table(example, "essential")
    # every producer in the example is located; coalition = {JPN, AUS}
    assert (t["located_share"] == 1.0).all()
    assert (t["coalition_share_max"] == t["coalition_share"]).all()
    # unlocated output: drop MYS from the ore rows; its 10 % becomes unattributed
    supplies = example.supplies[~((example.supplies["item_id"] == "ore")
                                  & (example.supplies["country"] == "MYS"))]
    gap = dataclasses.replace(example, supplies=supplies)
    g = multitier_exposure(gap, group="coalition", concern="concern", as_of="2025-06-01",
                           item="ore").set_index("node")
    assert g.loc["market:WLD:ore", "located_share"] == pytest.approx(0.9)
    assert g.loc["unattributed:?:ore", "located_share"] == 0.0
    # CHN (0.6) stops for sure; the unknown 0.1 is lost in the lower bound only
    assert g.loc["market:WLD:ore", "coalition_share"] == pytest.approx(0.3)
    assert g.loc["market:WLD:ore", "coalition_share_max"] == pytest.approx(0.4)


def test_sourcing_basis_names_the_trade_years_and_datasets(example):
    assert sourcing_network(example, as_of="2025-06-01").basis == "global pool (no trade data)"
    trade = pd.DataFrame({"year": [2023, 2024, 2024], "exporter": ["AUS"] * 3,
                          "importer": ["JPN"] * 3, "hs6": ["284690"] * 3,
                          "item_id": ["ore", "oxide", "oxide"], "value_kusd": [5.0, 100.0, 90.0],
                          "quantity_t": [1.0] * 3, "dataset": ["baci", "baci", "comtrade"]})
    snet = sourcing_network(example, as_of="2025-06-01", trade=trade)
    assert snet.basis == "trade data (BACI 2023-2024) for 2 item(s); other items: global pool"
    early = sourcing_network(example, as_of="2022-06-01", trade=trade)
    assert early.basis == "global pool (no usable trade data on or before 2022)"


def test_comtrade_serves_items_and_years_that_baci_does_not_cover(example):
    from paxsilica.analytics.network import sourcing_basis

    trade = pd.DataFrame({"year": [2023, 2022, 2023], "exporter": ["AUS", "MYS", "MYS"],
                          "importer": ["JPN"] * 3, "hs6": ["284690", "261220", "284690"],
                          "item_id": ["oxide", "ore", "oxide"], "value_kusd": [100.0, 5.0, 7.0],
                          "dataset": ["baci", "comtrade", "comtrade"]})
    # oxide: BACI wins over Comtrade for 2023; ore: only Comtrade has it
    assert sourcing_basis(trade, "2024-06-01") == ("trade data (BACI 2023, UN Comtrade 2022) for 2 item(s); "
                                                   "other items: global pool")
    newer = pd.concat([trade, pd.DataFrame({"year": [2024], "exporter": ["MYS"], "importer": ["JPN"],
                                            "hs6": ["284690"], "item_id": ["oxide"], "value_kusd": [3.0],
                                            "dataset": ["comtrade"]})], ignore_index=True)
    # a later Comtrade year is more recent than BACI's, so it is used for oxide
    assert sourcing_basis(newer, "2025-06-01").startswith("trade data (UN Comtrade 2022-2024) for 2 item(s)")


def test_large_amplifying_cycle_raises_instead_of_returning_overflow():
    import scipy.sparse as sp

    from paxsilica.analytics.multitier import DIRECT_LIMIT, CycleError, solve_sparse

    n = DIRECT_LIMIT + 1000                    # the sweep path, not sparse LU
    matrix = sp.csr_matrix(([2.0, 2.0], ([0, 1], [1, 0])), shape=(n, n))
    rhs = np.zeros(n)
    rhs[0] = 1.0
    with pytest.raises(CycleError):
        solve_sparse(matrix, rhs)
