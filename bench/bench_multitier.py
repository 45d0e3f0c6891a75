"""Multi-tier exposure on a synthetic firm-level network streamed from Parquet: time and peak memory.

Run: ``.venv/bin/python -m bench.bench_multitier [--sizes 1000000:10000000,10000000:100000000]
[--peer-nodes 20000]`` (``nodes:edges`` pairs; the issue's case is 10 M nodes / 100 M edges,
under 60 s and 16 GB).

The network is a layered DAG (10 tiers of firms, mines at the bottom): each firm buys 3
input items, each from several suppliers in the tier below, with random shares; 80 % of
input groups are essential. Firms sit in 200 countries; the group of concern is 10 of
them. It is written once to ``build/bench/multitier-N-E/`` (``nodes.parquet``,
``edges.parquet``, chunk by chunk) and reused.

Each measurement runs in a fresh subprocess: it reads the node table, then times reading
the edges from Parquet and building the network
(:func:`~paxsilica.analytics.edge_list.sourcing_network_from_parquet`), exposure to the
group in the weighted mode (sparse linear system) and in the essential mode (max
propagation), and the hypothetical-extraction loss of every node for one end firm (one
transposed solve); peak memory is the process's VmHWM from after the node table is read.
Peer: a plain networkx propagation (topological order, one Python step per node) of the
weighted mode on a smaller network; the ratio is its time over ours on that same network,
and both results must agree.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from bench.table import record

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


CACHE = Path(__file__).parents[1] / "build" / "bench"


def write_synthetic(nodes: int, edges: int, folder: Path, seed: int = 0, chunk: int = 1 << 23) -> Path:
    """The network of :func:`synthetic`'s shape written chunk by chunk to ``folder``
    (``nodes.parquet``, ``edges.parquet``), never holding the whole edge list; reused if
    already there."""
    done = folder / "edges.parquet"
    if done.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    size = nodes // LAYERS
    first = np.arange(LAYERS) * size
    ends = np.append(first[1:], nodes)
    pq.write_table(pa.table({"node": np.arange(nodes, dtype=np.int64),
                             "country": rng.integers(0, COUNTRIES, nodes).astype(np.int16)}), folder / "nodes.parquet")
    parts = max(1, edges // chunk)
    bounds = np.linspace(first[1], nodes, parts + 1).astype(np.int64)   # buyers: every tier but the mines
    counts = rng.multinomial(edges, np.diff(bounds) / (nodes - first[1]))
    partial = folder / "edges.parquet.partial"
    writer = None
    for low, high, count in zip(bounds[:-1], bounds[1:], counts, strict=True):
        buyer = np.sort(rng.integers(low, high, count))
        layer = np.minimum(buyer // size, LAYERS - 1)
        below = layer - 1
        supplier = first[below] + (rng.random(count) * (ends[below] - first[below])).astype(np.int64)
        item = (rng.integers(0, ITEMS_PER_FIRM, count) + 10 * layer).astype(np.int32)
        table = pa.table({"buyer": buyer.astype(np.int32), "supplier": supplier.astype(np.int32), "input_item": item,
                          "share": rng.random(count) + 0.01, "essential": ((buyer * 7 + item) % 5) != 0})
        writer = writer or pq.ParquetWriter(partial, table.schema)
        writer.write_table(table, row_group_size=1 << 20)
    writer.close()
    partial.rename(done)
    return folder


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(folder: str) -> dict[str, float]:
    """Build from Parquet, then exposure in both modes and one extraction; peak RSS of this process."""
    from paxsilica.analytics.chokepoints import extraction_losses
    from paxsilica.analytics.edge_list import sourcing_network_from_parquet
    from paxsilica.analytics.multitier import at_risk

    node_table = pd.read_parquet(Path(folder) / "nodes.parquet")
    concern = node_table["country"].to_numpy() < CONCERN
    Path("/proc/self/clear_refs").write_text("5")   # peak RSS from here on
    start = time.perf_counter()
    snet = sourcing_network_from_parquet(node_table, Path(folder) / "edges.parquet")
    built = time.perf_counter()
    weighted = at_risk(snet, concern, mode="weighted")
    solved = time.perf_counter()
    essential = at_risk(snet, concern, mode="essential")
    done = time.perf_counter()
    losses = extraction_losses(snet, len(node_table) - 1, mode="weighted")
    extracted = time.perf_counter()
    return {"build_s": built - start, "weighted_s": solved - built, "essential_s": done - solved,
            "extraction_s": extracted - done, "upstream_hit": float((losses > 0).sum()),
            "nnz": float(snet.links.nnz), "groups": float(len(snet.groups)), "peak_mb": _peak_mb(),
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


def _run(arguments: list[str]) -> dict[str, float]:
    process = subprocess.run([sys.executable, "-m", "bench.bench_multitier", *arguments],
                             capture_output=True, text=True, check=True)
    return json.loads(process.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000:10000000,10000000:100000000",
                        help="nodes:edges pairs, comma-separated (the issue's 10 M / 100 M last)")
    parser.add_argument("--peer-nodes", type=int, default=20_000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--peer", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child)))
        return
    if args.peer:
        print(json.dumps(peer(args.peer_nodes, args.peer_nodes * 10)))
        return
    comparison = _run(["--peer", "--peer-nodes", str(args.peer_nodes)])
    ratio = comparison["peer_s"] / comparison["ours_s"]
    print(f"peer: networkx propagation, {args.peer_nodes:,} nodes / {args.peer_nodes * 10:,} edges: "
          f"{comparison['peer_s']:.2f} s; paxsilica build + solve {comparison['ours_s']:.3f} s "
          f"({ratio:.0f}x); max |difference| {comparison['max_diff']:.1e}", flush=True)
    record("multi-tier exposure vs networkx", f"{args.peer_nodes:,} nodes, {args.peer_nodes * 10:,} edges",
           comparison["ours_s"], "s", peer=comparison["peer_s"], peer_name="networkx propagation", goal="ratio>=1",
           note=f"max |difference| {comparison['max_diff']:.1e}")
    print(f"{'nodes':>12} {'edges':>13} {'build s':>8} {'weighted s':>10} {'essential s':>11} "
          f"{'extraction s':>12} {'total s':>8} {'peak GB':>8}", flush=True)
    for pair in args.sizes.split(","):
        nodes, edges = (int(part) for part in pair.split(":"))
        folder = write_synthetic(nodes, edges, CACHE / f"multitier-{nodes}-{edges}")
        found = _run(["--child", str(folder)])
        total = found["build_s"] + found["weighted_s"]
        print(f"{nodes:>12,} {edges:>13,} {found['build_s']:8.1f} {found['weighted_s']:10.1f} "
              f"{found['essential_s']:11.1f} {found['extraction_s']:12.1f} {total:8.1f} "
              f"{found['peak_mb'] / 1024:8.2f}", flush=True)
        case = f"{nodes:,} nodes / {edges:,} edges from Parquet"
        issue = nodes >= 10_000_000
        record("multi-tier exposure: read + build + weighted solve", case, total, "s",
               goal="max<=60" if issue else "report", shape="worst" if issue else "best",
               note=f"essential mode {found['essential_s']:.1f} s more; {int(found['groups']):,} input groups")
        record("multi-tier exposure: peak memory", case, found["peak_mb"], "MB",
               goal="max<=16384" if issue else "report", shape="worst" if issue else "best",
               note="VmHWM of the process, whole run after the node table is read")


if __name__ == "__main__":
    main()
