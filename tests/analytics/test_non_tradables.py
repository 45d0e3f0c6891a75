"""Non-tradable inputs (catalogue flag tradable: false) are bought where they are used."""

from __future__ import annotations

import dataclasses

from paxsilica.analytics.multitier import multitier_exposure
from paxsilica.analytics.network import sourcing_network


def _suppliers(snet, buyer: str) -> set[str]:
    edges, nodes = snet.edges(), snet.nodes
    position = int(nodes.index[nodes["node"] == buyer][0])
    return set(nodes["node"].to_numpy()[edges.loc[edges["buyer"] == position, "supplier"]])


def test_data_centres_run_on_their_own_countrys_electricity(net):
    snet = sourcing_network(net, as_of="2026-07-01")
    assert "producer:USA:data_centre_electricity" in _suppliers(snet, "producer:USA:ai_data_centre")
    assert "producer:CHN:data_centre_electricity" in _suppliers(snet, "producer:CHN:ai_data_centre")
    # the unlocated remainder of the service has no country: it keeps the pool
    assert "market:WLD:data_centre_electricity" in _suppliers(
        snet, "unattributed:?:ai_data_centre")


def test_us_data_centres_take_no_chinese_electricity(net):
    table = multitier_exposure(net, item="ai_data_centre", as_of="2026-07-01").set_index("node")
    server = multitier_exposure(net, item="ai_accelerator_server",
                                as_of="2026-07-01").set_index("node")
    # the US service is exposed through its servers only, not through pooled electricity
    assert table.loc["producer:USA:ai_data_centre", "concern_share"] == \
        server.loc["market:WLD:ai_accelerator_server", "concern_share"]


def test_a_tradable_flag_of_true_keeps_the_pool(net):
    items = net.items.assign(tradable=True)
    snet = sourcing_network(dataclasses.replace(net, items=items), as_of="2026-07-01")
    assert "market:WLD:data_centre_electricity" in _suppliers(snet, "producer:USA:ai_data_centre")
