"""Chokepoints: the nodes and links whose loss would cut most of an end item's supply.

Two measures, reported side by side for each end item (its world market node):

- ``output_lost`` (hypothetical extraction): the at-risk share of the end item's
  supply if that one node stopped (``d = e_m``, see :mod:`paxsilica.analytics.multitier`).
  In the weighted mode this is ``y_m`` of one transposed solve ``(I - W)^T y = e_end``
  for all nodes at once; in the essential mode the max-propagation is run for every
  upstream node in batches. Cutting one link *b <- s* of input group *g* loses
  ``share_gs * f_g * output_lost(b)`` (``f_g`` = 1 for an essential input, 0 for a
  substitutable one in the essential mode; the input weight in the weighted mode):
  the propagation is positively homogeneous, so a partial shock at *b* scales.
- ``betweenness``: the number of shortest supplier-to-buyer paths from upstream
  origins (nodes without inputs) to the end item that pass through the node or link
  (:func:`networkx.betweenness_centrality_subset`); sampled with ``k`` pivots
  (:func:`networkx.betweenness_centrality`) above ``exact_limit`` upstream nodes.

Example:
    >>> from paxsilica.store import open_store
    >>> from paxsilica.model.network import StackNetwork
    >>> net = StackNetwork.from_store(open_store(":memory:"))
    >>> top = chokepoints(net, end_item="ndfeb_magnet", top=3, as_of="2026-07-01")
    >>> top[top["kind"] == "node"].iloc[0]["node"]
    'producer:CHN:ndfeb_magnet'
"""

from __future__ import annotations

from datetime import date

import networkx as nx
import numpy as np
import pandas as pd

from paxsilica.analytics.multitier import _check_mode, at_risk, solve_sparse, weighted_matrix
from paxsilica.analytics.network import SourcingNetwork, sourcing_network
from paxsilica.errors import PaxsilicaError
from paxsilica.model.network import StackNetwork, as_date

__all__ = ["chokepoints", "end_items", "extraction_losses", "upstream_nodes"]

BATCH = 256
ESSENTIAL_LIMIT = 50_000
"""Upstream nodes above which essential-mode extraction (one propagation per node) is refused."""


def end_items(net: StackNetwork) -> list[str]:
    """Recipe outputs that are no recipe's input (the tops of the recipe tree)."""
    return sorted(set(net.recipes["output_item"]) - set(net.recipes["input_item"]))


def upstream_nodes(snet: SourcingNetwork, target: int) -> np.ndarray:
    """Positions of the target and every node it buys from, directly or indirectly."""
    adjacency = (snet.buyer_matrix(np.ones(len(snet.groups))) @ snet.links).tocsr()
    seen = np.zeros(len(snet.nodes), dtype=bool)
    frontier = np.zeros(len(snet.nodes), dtype=bool)
    frontier[target] = True
    while frontier.any():
        seen |= frontier
        reached = np.asarray(adjacency[frontier].sum(axis=0)).ravel() > 0
        frontier = reached & ~seen
    return np.flatnonzero(seen)


def extraction_losses(snet: SourcingNetwork, target: int, *, mode: str = "essential",
                      candidates: np.ndarray | None = None) -> np.ndarray:
    """Share of ``target``'s supply lost when each node alone stops (0-1, per node)."""
    _check_mode(mode)
    n = len(snet.nodes)
    if mode == "weighted":
        rhs = np.zeros(n)
        rhs[target] = 1.0
        return np.clip(solve_sparse(weighted_matrix(snet), rhs, transpose=True), 0.0, 1.0)
    candidates = upstream_nodes(snet, target) if candidates is None else candidates
    if len(candidates) > ESSENTIAL_LIMIT:
        raise PaxsilicaError(
            f"{len(candidates):,} upstream nodes: too many for one essential-mode extraction each "
            f"(limit {ESSENTIAL_LIMIT:,}); use mode='weighted' (one sparse solve for all nodes)")
    losses = np.zeros(n)
    for start in range(0, len(candidates), BATCH):
        chunk = candidates[start:start + BATCH]
        seed = np.zeros((n, len(chunk)))
        seed[chunk, np.arange(len(chunk))] = 1.0
        losses[chunk] = at_risk(snet, seed, mode=mode)[target]
    return losses


def _graph(snet: SourcingNetwork, keep: np.ndarray) -> nx.DiGraph:
    edges = snet.edges()
    inside = np.zeros(len(snet.nodes), dtype=bool)
    inside[keep] = True
    edges = edges[inside[edges["buyer"]] & inside[edges["supplier"]]]
    graph = nx.DiGraph()
    graph.add_nodes_from(keep.tolist())
    graph.add_edges_from(zip(edges["supplier"].tolist(), edges["buyer"].tolist(), strict=True))
    return graph


def _betweenness(snet: SourcingNetwork, keep: np.ndarray, target: int, exact_limit: int,
                 k: int) -> tuple[dict[int, float], dict[tuple[int, int], float]]:
    graph = _graph(snet, keep)
    origins = [node for node in graph if graph.in_degree(node) == 0]
    if graph.number_of_nodes() <= exact_limit:
        nodes = nx.betweenness_centrality_subset(graph, origins, [target], normalized=False)
        edges = nx.edge_betweenness_centrality_subset(graph, origins, [target], normalized=False)
        return nodes, edges
    nodes = nx.betweenness_centrality(graph, k=min(k, graph.number_of_nodes()), seed=0)
    edges = nx.edge_betweenness_centrality(graph, k=min(k, graph.number_of_nodes()), seed=0)
    return nodes, edges


def chokepoints(net: StackNetwork, *, end_item: str | list[str] | None = None, top: int = 10,
                as_of: date | str | None = None, mode: str = "essential",
                trade: pd.DataFrame | None = None, links: bool = True,
                exact_limit: int = 5_000, k: int = 500,
                roles: tuple[str, ...] = ("producer", "facility")) -> pd.DataFrame:
    """The top chokepoints (nodes, and links when ``links``) upstream of each end item.

    Parameters
    ----------
    end_item: item id(s) or alias(es); default: the tops of the recipe tree.
    top: rows per end item, ranked by ``output_lost`` then ``betweenness``.
    mode: ``essential`` or ``weighted`` (see :mod:`paxsilica.analytics.multitier`).
    roles: node roles to rank (and, for links, supplier roles). Markets and producers of
        unknown location are bookkeeping nodes; add ``"market"``, ``"unattributed"`` to
        see them.

    Returns
    -------
    DataFrame ``end_item, rank, kind (node|link), node, supplier, country, item,
    output_lost`` (share 0-1 of the end item's world supply), ``betweenness``,
    ``mode, as_of``. For a link, ``node`` is the buyer and ``supplier`` the seller.
    """
    _check_mode(mode)
    day = as_date(as_of)
    snet = sourcing_network(net, as_of=day, trade=trade)
    if end_item is None:
        wanted = end_items(net)
    else:
        names = [end_item] if isinstance(end_item, str) else end_item
        wanted = [found for name in names for found in net.resolve_items(name)]
    labels = snet.nodes["node"].to_numpy()
    frames = []
    for item in wanted:
        target = snet.node_index(f"market:WLD:{item}")
        keep = upstream_nodes(snet, target)
        losses = extraction_losses(snet, target, mode=mode, candidates=keep)
        node_between, edge_between = _betweenness(snet, keep, target, exact_limit, k)
        nodes = snet.nodes.iloc[keep]
        rows = pd.DataFrame({"kind": "node", "node": nodes["node"].to_numpy(), "supplier": "",
                             "country": nodes["country"].to_numpy(),
                             "item": nodes["item_id"].to_numpy(), "output_lost": losses[keep],
                             "betweenness": [node_between.get(int(p), 0.0) for p in keep]})
        rows = rows[(nodes["node"].to_numpy() != labels[target]) & nodes["role"].isin(roles).to_numpy()]
        frame = [rows]
        if links:
            link_rows = _link_rows(snet, keep, losses, edge_between, mode)
            frame.append(link_rows[link_rows.pop("supplier_role").isin(roles)])
        table = pd.concat(frame, ignore_index=True)
        table = table[(table["output_lost"] > 0) | (table["betweenness"] > 0)]
        table = table.sort_values(["output_lost", "betweenness", "node"],
                                  ascending=[False, False, True]).head(top)
        table.insert(0, "end_item", item)
        table.insert(1, "rank", np.arange(1, len(table) + 1))
        frames.append(table)
    result = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["end_item", "rank", "kind", "node", "supplier", "country", "item", "output_lost",
                 "betweenness"])
    return result.assign(mode=mode, as_of=day)


def _link_rows(snet: SourcingNetwork, keep: np.ndarray, losses: np.ndarray,
               edge_between: dict[tuple[int, int], float], mode: str) -> pd.DataFrame:
    edges = snet.edges()
    inside = np.zeros(len(snet.nodes), dtype=bool)
    inside[keep] = True
    edges = edges[inside[edges["buyer"]] & inside[edges["supplier"]]]
    groups = snet.groups
    if mode == "essential":
        factor = groups["essential"].to_numpy(dtype=float)
    else:
        factor = groups["weight"].to_numpy(dtype=float)
    lost = edges["share"].to_numpy() * factor[edges["group"]] * losses[edges["buyer"]]
    nodes = snet.nodes
    buyer, supplier = edges["buyer"].to_numpy(), edges["supplier"].to_numpy()
    return pd.DataFrame({
        "kind": "link", "node": nodes["node"].to_numpy()[buyer],
        "supplier": nodes["node"].to_numpy()[supplier],
        "supplier_role": nodes["role"].to_numpy()[supplier],
        "country": nodes["country"].to_numpy()[supplier],
        "item": groups["input_item"].to_numpy()[edges["group"]].astype(str),
        "output_lost": lost,
        "betweenness": [edge_between.get((int(s), int(b)), 0.0)
                        for s, b in zip(supplier, buyer, strict=True)]})

