"""Multi-tier exposure on a synthetic firm-level network: time and peak memory.

Run: ``.venv/bin/python -m bench.bench_multitier`` (default 1 000 000 nodes and
10 000 000 edges; ``--nodes``/``--edges`` to change; ``--peer-nodes`` for the peer size).

The network is a layered DAG (10 tiers of firms, mines at the bottom): each firm
buys 3 input items, each from several suppliers in the tier below, with random
shares; 80 % of input groups are essential. Firms sit in 200 countries; the group
of concern is 10 of them. Each measurement runs in a fresh subprocess, and peak
memory is that process's maximum resident set size (``getrusage``).

Measured: building the CSR network from the edge table, then exposure to one group
in the weighted mode (sparse linear system) and in the essential mode (max
propagation), and the hypothetical-extraction loss of every node for one end firm
(one transposed solve). Peer: a plain networkx propagation (topological order, one Python
step per node) of the weighted mode on a smaller network; the ratio is its time over
ours on that same network, and both results must agree.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd

LAYERS = 10
ITEMS_PER_FIRM = 3
COUNTRIES = 200
CONCERN = 10


def synthetic(nodes: int, edges: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A deterministic layered supply network (vectorised numpy)."""
    rng = np.random.default_rng(seed)
    size = nodes // LAYERS
    layer = np.minimum(np.arange(nodes) // size, LAYERS - 1)
    first = np.searchsorted(layer, np.arange(LAYERS))
    buyers_pool = np.flatnonzero(layer > 0)
    buyer = np.sort(rng.choice(buyers_pool, size=edges, replace=True))
    below = layer[buyer] - 1
    width = np.append(first[1:], nodes)[below] - first[below]
    supplier = first[below] + (rng.random(edges) * width).astype(np.int64)
    item = (rng.integers(0, ITEMS_PER_FIRM, edges) + 10 * layer[buyer]).astype(np.int32)
    essential = ((buyer * 7 + item) % 5) != 0
    node_table = pd.DataFrame({"node": np.arange(nodes), "country": rng.integers(0, COUNTRIES, nodes)})
    edge_table = pd.DataFrame({"buyer": buyer, "supplier": supplier, "input_item": item,
                               "share": rng.random(edges) + 0.01, "essential": essential})
    return node_table, edge_table


def child(nodes: int, edges: int) -> dict[str, float]:
    from paxsilica.analytics.chokepoints import extraction_losses
    from paxsilica.analytics.multitier import at_risk
    from paxsilica.analytics.network import sourcing_network_from_edges

    node_table, edge_table = synthetic(nodes, edges)
    concern = (node_table["country"].to_numpy() < CONCERN)
    start = time.perf_counter()
    snet = sourcing_network_from_edges(node_table, edge_table)
    del edge_table
    built = time.perf_counter()
    weighted = at_risk(snet, concern, mode="weighted")
    solved = time.perf_counter()
    essential = at_risk(snet, concern, mode="essential")
    done = time.perf_counter()
    losses = extraction_losses(snet, nodes - 1, mode="weighted")
    extracted = time.perf_counter()
    return {"build_s": built - start, "weighted_s": solved - built, "essential_s": done - solved,
            "extraction_s": extracted - done, "upstream_hit": float((losses > 0).sum()),
            "nnz": float(snet.links.nnz), "groups": float(len(snet.groups)),
            "mean_weighted": float(weighted.mean()), "mean_essential": float(essential.mean())}


def peer(nodes: int, edges: int) -> dict[str, float]:
    """networkx propagation of the weighted mode vs ours on the same network."""
    import networkx as nx

    from paxsilica.analytics.multitier import at_risk
    from paxsilica.analytics.network import sourcing_network_from_edges

    node_table, edge_table = synthetic(nodes, edges, seed=1)
    concern = node_table["country"].to_numpy() < CONCERN
    start = time.perf_counter()
    snet = sourcing_network_from_edges(node_table, edge_table)
    ours = at_risk(snet, concern, mode="weighted")
    ours_s = time.perf_counter() - start
    start = time.perf_counter()
    graph = nx.DiGraph()
    graph.add_nodes_from(range(nodes))
    totals = edge_table.groupby(["buyer", "input_item"])["share"].transform("sum")
    groups_per_buyer = edge_table.groupby("buyer")["input_item"].transform("nunique")
    weight = edge_table["share"] / totals / groups_per_buyer
    for b, s, w in zip(edge_table["buyer"], edge_table["supplier"], weight, strict=True):
        if graph.has_edge(s, b):
            graph[s][b]["w"] += w
        else:
            graph.add_edge(s, b, w=w)
    risk = np.zeros(nodes)
    for node in nx.topological_sort(graph):
        if concern[node]:
            risk[node] = 1.0
        else:
            risk[node] = sum(data["w"] * risk[s] for s, _, data in graph.in_edges(node, data=True))
    peer_s = time.perf_counter() - start
    return {"ours_s": ours_s, "peer_s": peer_s, "max_diff": float(np.max(np.abs(risk - ours)))}


def _run(kind: str, nodes: int, edges: int) -> tuple[dict[str, float], float]:
    process = subprocess.run([sys.executable, "-m", "bench.bench_multitier", "--child", kind,
                              "--nodes", str(nodes), "--edges", str(edges)],
                             capture_output=True, text=True, check=True)
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return json.loads(process.stdout.strip().splitlines()[-1]), peak_kib / 1024 ** 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=10_000_000)
    parser.add_argument("--peer-nodes", type=int, default=20_000)
    parser.add_argument("--child", choices=["main", "peer"])
    args = parser.parse_args()
    if args.child:
        result = (child if args.child == "main" else peer)(args.nodes, args.edges)
        print(json.dumps(result))
        return
    peer_edges = args.peer_nodes * 10
    comparison, _ = _run("peer", args.peer_nodes, peer_edges)
    result, peak_gib = _run("main", args.nodes, args.edges)
    ratio = comparison["peer_s"] / comparison["ours_s"]
    rows = [
        ("network", f"{args.nodes:,} nodes, {args.edges:,} edges, {int(result['groups']):,} input groups"),
        ("build CSR (s)", f"{result['build_s']:.1f}"),
        ("exposure, weighted mode, sparse solve (s)", f"{result['weighted_s']:.1f}"),
        ("exposure, essential mode, max propagation (s)", f"{result['essential_s']:.1f}"),
        ("chokepoints: extraction loss of every node for one end firm, weighted (s)",
         f"{result['extraction_s']:.1f} ({int(result['upstream_hit']):,} upstream nodes)"),
        ("total build + one group, weighted (s)", f"{result['build_s'] + result['weighted_s']:.1f}"),
        ("peak RSS, whole run incl. generation (GiB)", f"{peak_gib:.2f}"),
        ("targets", "< 60 s and < 8 GiB"),
        (f"peer: networkx propagation, {args.peer_nodes:,} nodes / {peer_edges:,} edges (s)",
         f"{comparison['peer_s']:.2f}"),
        ("paxsilica on the same network, build + solve (s)", f"{comparison['ours_s']:.2f}"),
        ("ratio peer / paxsilica", f"{ratio:.1f}x"),
        ("max |difference| of results", f"{comparison['max_diff']:.1e}"),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


if __name__ == "__main__":
    main()
