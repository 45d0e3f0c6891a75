"""Chokepoints: the nodes and links whose loss would cut most of an end item's supply.

Two measures, reported side by side for each end item (its world market node):

- ``output_lost`` (hypothetical extraction): the at-risk share of the end item's
  supply if that one node stopped (``d = e_m``, see :mod:`paxsilica.analytics.multitier`).
  In the weighted mode on an acyclic network this is ``y_m`` of one transposed solve
  ``(I - W)^T y = e_end`` for all nodes at once; in the essential mode, or when the
  upstream network has a cycle, the propagation is run for every upstream node (in
  batches). Cutting one link *b <- s* of input group *g* loses
  ``share_gs * f_g * output_lost(b)`` (``f_g`` = 1 for an essential input, 0 for a
  substitutable one in the essential mode; the input weight in the weighted mode):
  the propagation is positively homogeneous, so a partial shock at *b* scales. When *b*
  lies on a cycle that rule misses the loss fed back to *b*, so such links are re-run
  exactly (the link is redirected to a stopped copy of its supplier).
- ``betweenness``: the number of shortest supplier-to-buyer paths from upstream origins
  (nodes without inputs) to the end item that pass through the node or link, endpoints
  included (:func:`networkx.betweenness_centrality_subset` plus 1 for each origin: its own
  path), so an origin producer and its only outgoing link score the same. Above
  ``exact_limit`` upstream nodes, ``k`` sampled origins are used and scaled up.

A link whose supplier sells to that one buyer only carries the same loss as the supplier
node (cutting the only outlet = stopping the node): it is left out when the node is
ranked, so each chokepoint appears once.

Example:
    >>> from paxsilica.store import open_store
    >>> from paxsilica.model.network import StackNetwork
    >>> net = StackNetwork.from_store(open_store(":memory:"))
    >>> top = chokepoints(net, end_item="ndfeb_magnet", top=3, as_of="2026-07-01")
    >>> top[top["kind"] == "node"].iloc[0]["node"]
    'producer:CHN:ndfeb_magnet'
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from paxsilica.analytics.multitier import (
    _check_mode,
    at_risk,
    solve_sparse,
    weighted_matrix,
)
from paxsilica.analytics.network import SourcingNetwork, cycles, sourcing_network
from paxsilica.errors import PaxsilicaError
from paxsilica.model.network import StackNetwork, as_date

__all__ = ["chokepoints", "end_items", "extraction_losses", "rank_chokepoints", "upstream_nodes"]

BATCH = 256
LOSS_DIGITS = 12
"""Decimals of the output share lost that rank a chokepoint (finer differences are rounding)."""
ESSENTIAL_LIMIT = 50_000
"""Upstream nodes above which essential-mode extraction (one propagation per node) is refused."""


def _check_top(top: int) -> None:
    if isinstance(top, bool) or not isinstance(top, int | np.integer) or top < 1:
        raise PaxsilicaError(f"top must be a whole number of at least 1, not {top!r}")


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


def _on_cycle(snet: SourcingNetwork, essential_only: bool) -> np.ndarray:
    """Mask of the nodes that lie on a cycle of the (essential-input) dependency graph."""
    mask = np.zeros(len(snet.nodes), dtype=bool)
    for cycle in cycles(snet.dependency(essential_only=essential_only)):
        mask[cycle] = True
    return mask


def extraction_losses(snet: SourcingNetwork, target: int, *, mode: str = "essential",
                      candidates: np.ndarray | None = None,
                      advance: Callable[[int], None] | None = None) -> np.ndarray:
    """Share of ``target``'s supply lost when each node alone stops (0-1, per node).

    ``advance(k)`` is called as each ``k`` more candidates are done (progress display)."""
    advance = advance or (lambda k: None)
    _check_mode(mode)
    n = len(snet.nodes)
    if mode == "weighted":
        on_cycle = _on_cycle(snet, essential_only=False)
        if on_cycle.any():
            candidates = upstream_nodes(snet, target) if candidates is None else candidates
        if not on_cycle.any() or not on_cycle[candidates].any():
            rhs = np.zeros(n)
            rhs[target] = 1.0
            losses = np.clip(solve_sparse(weighted_matrix(snet), rhs, transpose=True,
                                          names=snet.item_names()), 0.0, 1.0)
            advance(len(candidates) if candidates is not None else n)
            return losses
    candidates = upstream_nodes(snet, target) if candidates is None else candidates
    if len(candidates) > ESSENTIAL_LIMIT:
        raise PaxsilicaError(
            f"{len(candidates):,} upstream nodes: too many for one {mode}-mode extraction each "
            f"(limit {ESSENTIAL_LIMIT:,}); use mode='weighted' on an acyclic network "
            "(one sparse solve for all nodes)")
    losses = np.zeros(n)
    if mode == "weighted":  # a cycle upstream: y_m would count walks through m twice
        for node in candidates:
            seed = np.zeros(n)
            seed[node] = 1.0
            losses[node] = at_risk(snet, seed, mode=mode)[target]
            advance(1)
        return np.clip(losses, 0.0, 1.0)
    for start in range(0, len(candidates), BATCH):
        chunk = candidates[start:start + BATCH]
        seed = np.zeros((n, len(chunk)))
        seed[chunk, np.arange(len(chunk))] = 1.0
        losses[chunk] = at_risk(snet, seed, mode=mode)[target]
        advance(len(chunk))
    return losses


def _cut_link_loss(snet: SourcingNetwork, target: int, group: int, supplier: int,
                   mode: str) -> float:
    """Exact loss when one link stops: it is redirected to a stopped copy of its supplier."""
    n = len(snet.nodes)
    links = sp.hstack([snet.links, sp.csr_matrix((snet.links.shape[0], 1))]).tolil()
    links[group, n] = links[group, supplier]
    links[group, supplier] = 0.0
    copy = snet.nodes.iloc[[supplier]].assign(node="cut-link copy")
    cut = SourcingNetwork(pd.concat([snet.nodes, copy], ignore_index=True), snet.groups,
                          links.tocsr())
    seed = np.zeros(n + 1)
    seed[n] = 1.0
    return float(at_risk(cut, seed, mode=mode)[target])


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
    origins = [node for node in graph if graph.in_degree(node) == 0 and node != target]
    scale = 1.0
    if graph.number_of_nodes() > exact_limit and len(origins) > k:
        picked = np.random.default_rng(0).choice(len(origins), size=k, replace=False)
        scale, origins = len(origins) / k, [origins[p] for p in sorted(picked)]
    nodes = nx.betweenness_centrality_subset(graph, origins, [target], normalized=False)
    edges = nx.edge_betweenness_centrality_subset(graph, origins, [target], normalized=False)
    for origin in origins:  # endpoints included: an origin lies on its own path to the end
        nodes[origin] += 1.0
    return ({p: v * scale for p, v in nodes.items()}, {e: v * scale for e, v in edges.items()})


def chokepoints(net: StackNetwork, *, end_item: str | list[str] | None = None, top: int = 10,
                as_of: date | str | None = None, mode: str = "essential",
                trade: pd.DataFrame | None = None, links: bool = True,
                exact_limit: int = 5_000, k: int = 500,
                roles: tuple[str, ...] = ("producer", "facility"),
                snet: SourcingNetwork | None = None,
                progress: Callable[[int, int, str], None] | None = None) -> pd.DataFrame:
    """The top chokepoints (nodes, and links when ``links``) upstream of each end item.

    Parameters
    ----------
    end_item: item id(s) or alias(es); default: the tops of the recipe tree.
    top: rows per end item (at least 1), ranked by ``output_lost`` then ``betweenness``.
        A link that is its supplier's only outlet repeats that node's row and is left out.
    mode: ``essential`` or ``weighted`` (see :mod:`paxsilica.analytics.multitier`).
    roles: node roles to rank (and, for links, supplier roles). Markets and producers of
        unknown location are bookkeeping nodes; add ``"market"``, ``"unattributed"`` to
        see them.
    snet: a sourcing network built already (``as_of`` and ``trade`` are then its own).
    progress: called with (candidate nodes done, candidates of all end items, the end item
        being ranked) as extraction proceeds (progress display).

    Returns
    -------
    DataFrame ``end_item, rank, kind (node|link), node, supplier, country, item,
    output_lost`` (share 0-1 of the end item's world supply), ``betweenness``,
    ``mode, as_of``. For a link, ``node`` is the buyer and ``supplier`` the seller.

    Raises:
        PaxsilicaError: ``top`` below 1, an unknown mode or item.
        CycleError: a recipe cycle the propagation cannot resolve.
    """
    _check_mode(mode)
    _check_top(top)
    day = as_date(as_of)
    snet = sourcing_network(net, as_of=day, trade=trade) if snet is None else snet
    if end_item is None:
        wanted = end_items(net)
    else:
        names = [end_item] if isinstance(end_item, str) else end_item
        wanted = [found for name in names for found in net.resolve_items(name)]
    frames = []
    targets = [snet.node_index(f"market:WLD:{item}") for item in wanted]
    total = sum(len(upstream_nodes(snet, target)) for target in targets) if progress else 0
    done = 0
    for item, target in zip(wanted, targets, strict=True):
        def advance(count: int, item: str = item) -> None:
            nonlocal done
            done += count
            if progress is not None:
                progress(done, total, item)

        advance(0)
        table = rank_chokepoints(snet, target, mode=mode, top=top, links=links,
                                 exact_limit=exact_limit, k=k, roles=roles, advance=advance)
        table.insert(0, "end_item", item)
        frames.append(table)
    result = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["end_item", "rank", "kind", "node", "supplier", "country", "item", "output_lost",
                 "betweenness"])
    return result.assign(mode=mode, as_of=day)


def rank_chokepoints(snet: SourcingNetwork, target: int, *, mode: str = "essential",
                     top: int = 10, links: bool = True, exact_limit: int = 5_000, k: int = 500,
                     roles: tuple[str, ...] = ("producer", "facility"),
                     advance: Callable[[int], None] | None = None) -> pd.DataFrame:
    """Chokepoints upstream of one node of any sourcing network (e.g. a firm-level one).

    Columns ``rank, kind, node, supplier, country, item, output_lost, betweenness``; see
    :func:`chokepoints` for the measures, ``roles`` and the links left out.
    """
    _check_mode(mode)
    _check_top(top)
    keep = upstream_nodes(snet, target)
    losses = extraction_losses(snet, target, mode=mode, candidates=keep, advance=advance)
    node_between, edge_between = _betweenness(snet, keep, target, exact_limit, k)
    nodes = snet.nodes.iloc[keep]
    rows = pd.DataFrame({"kind": "node", "node": nodes["node"].to_numpy(), "supplier": "",
                         "country": nodes["country"].to_numpy(),
                         "item": nodes["item_id"].to_numpy(), "output_lost": losses[keep],
                         "betweenness": [node_between.get(int(p), 0.0) for p in keep]})
    rows = rows[(keep != target) & nodes["role"].isin(roles).to_numpy()]
    frame = [rows]
    if links:
        on_cycle = _on_cycle(snet, essential_only=mode == "essential")
        link_rows = _link_rows(snet, keep, losses, edge_between, mode, target, on_cycle)
        link_rows = link_rows[link_rows.pop("supplier_role").isin(roles)]
        node_loss = rows.set_index("node")["output_lost"]
        repeats = (link_rows.pop("outlets").eq(1) & link_rows["supplier"].isin(node_loss.index)
                   # as floats: with no link left (a date before any supply) the columns are empty objects
                   & np.isclose(link_rows["output_lost"].to_numpy(dtype=float),
                                link_rows["supplier"].map(node_loss).fillna(-1.0).to_numpy(dtype=float),
                                rtol=0.0, atol=1e-12))
        frame.append(link_rows[~repeats])
    table = pd.concat(frame, ignore_index=True)
    table = table[(table["output_lost"] > 0) | (table["betweenness"] > 0)]
    # losses equal but for float noise (0.94 reached by two sums) tie, and the documented
    # tie-breaks decide: betweenness, then the node's name
    table = (table.assign(_loss=table["output_lost"].round(LOSS_DIGITS))
             .sort_values(["_loss", "betweenness", "node"], ascending=[False, False, True])
             .drop(columns="_loss").head(top))
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return table.reset_index(drop=True)


def _link_rows(snet: SourcingNetwork, keep: np.ndarray, losses: np.ndarray,
               edge_between: dict[tuple[int, int], float], mode: str, target: int,
               on_cycle: np.ndarray) -> pd.DataFrame:
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
    for row in np.flatnonzero(on_cycle[buyer] & (lost > 0)):  # feedback through the cycle
        lost[row] = _cut_link_loss(snet, target, int(edges["group"].iloc[row]),
                                   int(supplier[row]), mode)
    return pd.DataFrame({
        "kind": "link", "node": nodes["node"].to_numpy()[buyer],
        "supplier": nodes["node"].to_numpy()[supplier],
        "supplier_role": nodes["role"].to_numpy()[supplier],
        "outlets": np.bincount(supplier, minlength=len(nodes))[supplier],
        "country": nodes["country"].to_numpy()[supplier],
        "item": groups["input_item"].to_numpy()[edges["group"]].astype(str),
        "output_lost": np.clip(lost, 0.0, 1.0),
        "betweenness": [edge_between.get((int(s), int(b)), 0.0)
                        for s, b in zip(supplier, buyer, strict=True)]})
