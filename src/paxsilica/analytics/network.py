"""The sourcing network: who buys each recipe input from whom, as sparse matrices.

Nodes are producers (a country or a facility making an item), markets (the supply
of an item available in a country, or the world pool ``WLD``) and unattributed
producers (output whose country no cited row names). Each node buys each of its
inputs as one *input group*; a group's *links* say which share of that input comes
from which supplier node (shares of a group add up to 1).

- A producer of item *k* has one group per recipe line ``k <- j`` and buys *j* from
  its country's market for *j* when trade data exist for that country and item, else
  from the world pool of *j* (the "global pool" assumption: every buyer sources in
  proportion to world production shares).
- The world pool of *k* buys from the producers of *k* in proportion to their
  world shares (:func:`~paxsilica.analytics.concentration.country_shares`, latest
  non-projection year on or before ``as_of``); the share no named country accounts
  for goes to the unattributed producer of *k*.
- A country market of *k* (trade data present) keeps its own world share ``w_c`` as
  domestic supply and fills ``1 - w_c`` in proportion to import values by exporter;
  an exporter that does not produce *k* passes on the world pool (re-export).
- An input the catalogue flags ``tradable: false`` (electricity) is bought from the buyer's own
  country's producer of it when the data locate one there (data centres in the US run on US
  electricity), else from the pool as above.
- An item with no cited producer shares but with trade data takes its world shares from
  export values by exporter (a proxy; the world market's ``sourcing`` says
  ``export shares``), so exporters become its producers.

Example:
    >>> from paxsilica.store import open_store
    >>> from paxsilica.model.network import StackNetwork
    >>> snet = sourcing_network(StackNetwork.from_store(open_store(":memory:")), as_of="2026-07-01")
    >>> snet.links.shape[1] == len(snet.nodes)
    True
    >>> snet.node_index("market:WLD:gallium") >= 0
    True
    >>> snet.basis
    'global pool (no trade data)'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from paxsilica.analytics.concentration import country_shares
from paxsilica.analytics.edge_groups import grouped_links
from paxsilica.errors import NotFoundError
from paxsilica.model.network import StackNetwork, as_date

__all__ = ["GLOBAL_POOL", "SourcingNetwork", "cycles", "network_from_arrays", "reaching", "sourcing_basis",
           "sourcing_network", "sourcing_network_from_edges"]

UNATTRIBUTED = ""
"""Country code of producers whose location no cited row names."""
GLOBAL_POOL = "global pool (no trade data)"
"""Sourcing basis without trade data: every buyer sources in proportion to world shares."""
DATASETS = {"baci": "BACI", "comtrade": "UN Comtrade"}


@dataclass(frozen=True, eq=False)
class SourcingNetwork:
    """Immutable sourcing network; row ``i`` of ``nodes`` is column ``i`` of ``links``.

    Attributes:
        nodes: ``node, role, country, item_id, facility_id, sourcing`` (role is
            producer | market | facility | unattributed; country is ISO3, ``WLD``
            for the world pool, ``""`` when unknown).
        groups: one row per (buyer, input item): ``buyer`` (node position),
            ``input_item``, ``essential``, ``quantity`` (input units per buyer unit,
            1 for markets), ``weight`` (the input's weight in the weighted mode,
            1 / number of the buyer's groups). Sorted by buyer.
        links: CSR ``groups x nodes``; entry = share of the group's input bought from
            that supplier (each row sums to 1).
        basis: which sourcing data were used (:func:`sourcing_basis`).
    """

    nodes: pd.DataFrame
    groups: pd.DataFrame
    links: sp.csr_matrix
    as_of: date | None = None
    basis: str = GLOBAL_POOL

    def node_index(self, label: str) -> int:
        """Position of the node called ``label`` (e.g. ``market:WLD:gallium``)."""
        hits = np.flatnonzero(self.nodes["node"].to_numpy() == label)
        if hits.size == 0:
            raise NotFoundError(f"no node {label!r} in the sourcing network")
        return int(hits[0])

    def buyer_matrix(self, weights: np.ndarray) -> sp.csr_matrix:
        """CSR ``nodes x groups`` with ``weights[g]`` at (buyer of g, g)."""
        buyers = self.groups["buyer"].to_numpy()
        return sp.csr_matrix((weights, (buyers, np.arange(len(buyers)))),
                             shape=(len(self.nodes), len(buyers)))

    def edges(self) -> pd.DataFrame:
        """One row per link: ``group, buyer, supplier, share`` (positions)."""
        coo = self.links.tocoo()
        return pd.DataFrame({"group": coo.row, "buyer": self.groups["buyer"].to_numpy()[coo.row],
                             "supplier": coo.col, "share": coo.data})

    def dependency(self, *, essential_only: bool = False) -> sp.csr_matrix:
        """CSR ``nodes x nodes``: 1 where the row node buys from the column node."""
        keep = (self.groups["essential"].to_numpy(dtype=bool) if essential_only
                else np.ones(len(self.groups), dtype=bool))
        matrix = (self.buyer_matrix(keep.astype(float)) @ self.links).tocsr()
        matrix.eliminate_zeros()
        matrix.data[:] = 1.0
        return matrix

    def item_names(self) -> np.ndarray:
        """Per node: its item id, or its label when it has none (for messages)."""
        items = self.nodes["item_id"].fillna("").astype(str).to_numpy()
        return np.where(items != "", items, self.nodes["node"].astype(str).to_numpy())


def cycles(matrix: sp.spmatrix) -> list[np.ndarray]:
    """Node positions of each cycle of ``matrix``'s pattern (a strongly connected component
    of two or more nodes, or one node with a self-loop), largest first.

    >>> cycles(sp.csr_matrix(np.array([[0, 1, 0], [1, 0, 0], [0, 1, 0]])))
    [array([0, 1])]
    """
    pattern = sp.csr_matrix(matrix, copy=True)
    pattern.eliminate_zeros()
    count, labels = connected_components(pattern, directed=True, connection="strong")
    cyclic = np.bincount(labels, minlength=count) > 1
    cyclic[labels[pattern.diagonal() != 0]] = True
    if not cyclic.any():
        return []
    members = np.flatnonzero(cyclic[labels])
    order = members[np.argsort(labels[members], kind="stable")]
    found = np.split(order, np.flatnonzero(np.diff(labels[order])) + 1)
    return sorted(found, key=len, reverse=True)


def reaching(matrix: sp.spmatrix, start: np.ndarray) -> np.ndarray:
    """Mask of the nodes from which a ``start`` node can be reached along ``matrix``'s
    nonzeros (``i -> j`` when ``matrix[i, j] != 0``), the start nodes included.

    >>> reaching(sp.csr_matrix(np.array([[0, 1, 0], [0, 0, 0], [0, 0, 0]])),
    ...          np.array([False, True, False])).tolist()
    [True, True, False]
    """
    pattern = sp.csr_matrix(matrix, copy=True)
    pattern.eliminate_zeros()
    pattern.data[:] = 1.0
    seen = np.asarray(start, dtype=bool).copy()
    frontier = seen.copy()
    while frontier.any():
        frontier = ((pattern @ frontier.astype(float)) > 0) & ~seen
        seen |= frontier
    return seen


def sourcing_network_from_edges(nodes: pd.DataFrame, edges: pd.DataFrame) -> SourcingNetwork:
    """Build the network from a node table and an edge list (vectorised; firm-level sizes).

    Parameters
    ----------
    nodes: one row per node (at least ``node``, ``country``; ``role`` and ``item_id``
        optional). Edge endpoints are row positions.
    edges: ``buyer, supplier, input_item`` (int or str), ``share`` (fraction of the
        buyer's purchases of that input), optional ``essential`` (default True) and
        ``quantity`` (default 1). Shares of one (buyer, input_item) are normalised to 1.

    >>> nodes = pd.DataFrame({"node": ["mine", "plant"], "country": ["CHN", "JPN"]})
    >>> edges = pd.DataFrame({"buyer": [1], "supplier": [0], "input_item": ["ore"], "share": [1.0]})
    >>> sourcing_network_from_edges(nodes, edges).links.toarray().tolist()
    [[1.0, 0.0]]
    """
    item_codes, item_labels = pd.factorize(edges["input_item"], sort=False)
    return network_from_arrays(
        nodes, edges["buyer"].to_numpy(dtype=np.int64), edges["supplier"].to_numpy(dtype=np.int64),
        item_codes, item_labels, edges["share"].to_numpy(dtype=float),
        edges["essential"].to_numpy(dtype=bool) if "essential" in edges else None,
        edges["quantity"].to_numpy(dtype=float) if "quantity" in edges else None)


def network_from_arrays(nodes: pd.DataFrame, buyer: np.ndarray, supplier: np.ndarray, item: np.ndarray,
                        item_labels: pd.Index | np.ndarray, share: np.ndarray,
                        essential: np.ndarray | None = None, quantity: np.ndarray | None = None) -> SourcingNetwork:
    """The network of an edge list given as arrays (``item``: codes into ``item_labels``;
    grouping in :func:`~paxsilica.analytics.edge_groups.grouped_links`)."""
    groups, links = grouped_links(len(nodes), buyer, supplier, item, item_labels, share, essential, quantity)
    nodes = nodes.reset_index(drop=True)
    for column, default in (("role", "producer"), ("item_id", ""), ("facility_id", ""), ("sourcing", "")):
        if column not in nodes:
            nodes = nodes.assign(**{column: default})
    return SourcingNetwork(nodes, groups, links)


def _world_shares(net: StackNetwork, day: date) -> pd.DataFrame:
    """Latest non-projection world shares per item at the item's own stage (country, share)."""
    if net.supplies.empty:
        return pd.DataFrame(columns=["item_id", "country", "share"])
    shares = country_shares(net.supplies)
    shares = shares[(shares["stage"] == shares["item_id"].map(net.item_stage))
                    & (shares["basis"] != "projection") & (shares["year"] <= day.year)]
    last = shares.groupby("item_id")["year"].transform("max")
    shares = shares[shares["year"] == last]
    shares = shares.assign(country=shares["country"].where(shares["is_country"], UNATTRIBUTED))
    shares = shares.groupby(["item_id", "country"], as_index=False)["share"].sum()
    shares = shares[shares["share"] > 0]
    total = shares.groupby("item_id")["share"].transform("sum")
    shares = shares.assign(share=shares["share"] / total.clip(lower=1.0))
    named = shares.groupby("item_id")["share"].sum()
    rest = (1.0 - named).clip(lower=0.0)
    rest = rest[rest > 1e-9]
    extra = pd.DataFrame({"item_id": rest.index, "country": UNATTRIBUTED, "share": rest.values})
    shares = pd.concat([shares, extra], ignore_index=True)
    return shares.groupby(["item_id", "country"], as_index=False)["share"].sum()


def _used_flows(trade: pd.DataFrame | None, day: date) -> pd.DataFrame:
    """The flows the network uses: per item, the latest year <= as_of; within that year
    BACI's reconciled flows win over Comtrade's raw reports where both cover the item."""
    if trade is None or trade.empty:
        return pd.DataFrame(columns=["year", "exporter", "importer", "item_id", "value_kusd",
                                     "dataset"])
    flows = trade[(trade["year"] <= day.year) & (trade["exporter"] != trade["importer"])
                  & trade["item_id"].notna() & (trade["value_kusd"] > 0)]
    flows = flows[flows["year"] == flows.groupby("item_id")["year"].transform("max")]
    if "dataset" in flows and flows["dataset"].nunique() > 1:
        is_baci = flows["dataset"].eq("baci")
        flows = flows[is_baci | ~is_baci.groupby(flows["item_id"]).transform("any")]
    return flows


def _trade_mix(flows: pd.DataFrame) -> pd.DataFrame:
    """Import value by importer, item and exporter."""
    if flows.empty:
        return pd.DataFrame(columns=["importer", "item_id", "exporter", "value"])
    return (flows.groupby(["importer", "item_id", "exporter"], as_index=False)["value_kusd"].sum()
            .rename(columns={"value_kusd": "value"}))


def sourcing_basis(trade: pd.DataFrame | None, as_of: date | str | None = None) -> str:
    """Which sourcing data :func:`sourcing_network` uses for ``trade`` as of a date.

    >>> sourcing_basis(None)
    'global pool (no trade data)'
    >>> sourcing_basis(pd.DataFrame({"year": [2022, 2023], "exporter": ["AUS", "CHN"],
    ...     "importer": ["JPN", "JPN"], "item_id": ["ndpr_oxide", "gallium"],
    ...     "value_kusd": [1.0, 2.0], "dataset": ["baci", "baci"]}), "2026-07-01")
    'trade data (BACI 2022-2023) for 2 item(s); other items: global pool'
    """
    as_of_date = as_date(as_of)
    return _basis(_used_flows(trade, as_of_date), trade, as_of_date)


def _basis(flows: pd.DataFrame, trade: pd.DataFrame | None, as_of_date: date) -> str:
    """:func:`sourcing_basis` from the flows :func:`_used_flows` kept."""
    if flows.empty:
        return GLOBAL_POOL if trade is None or trade.empty else (
            f"global pool (no usable trade data on or before {as_of_date.year})")
    datasets = flows["dataset"] if "dataset" in flows else pd.Series("trade", index=flows.index)
    parts = []
    for dataset, years in flows["year"].groupby(datasets.to_numpy()):
        low, high = int(years.min()), int(years.max())
        parts.append(f"{DATASETS.get(str(dataset), str(dataset))} "
                     f"{low if low == high else f'{low}-{high}'}")
    return (f"trade data ({', '.join(parts)}) for {flows['item_id'].nunique()} item(s); "
            "other items: global pool")


def _export_shares(mix: pd.DataFrame) -> pd.DataFrame:
    """World shares from export values, for items without cited producer shares."""
    if mix.empty:
        return pd.DataFrame(columns=["item_id", "country", "share"])
    exports = mix.groupby(["item_id", "exporter"], as_index=False)["value"].sum()
    exports["share"] = exports["value"] / exports.groupby("item_id")["value"].transform("sum")
    return exports.rename(columns={"exporter": "country"})[["item_id", "country", "share"]]


def _non_tradables(net: StackNetwork) -> set[str]:
    """Items the catalogue flags ``tradable: false`` (electricity, data-centre service)."""
    if "tradable" not in net.items:
        return set()
    flags = net.items["tradable"].map(lambda v: str(v).strip().lower() not in ("false", "0"))
    return set(net.items.loc[~flags, "item_id"])


def sourcing_network(net: StackNetwork, *, as_of: date | str | None = None,
                     trade: pd.DataFrame | None = None) -> SourcingNetwork:
    """The country-level sourcing network of the store's items, recipes and facilities.

    Parameters
    ----------
    net: the stack network (items, supplies, recipes, facilities).
    as_of: data years after ``as_of`` are ignored (default today).
    trade: trade flows (``year, exporter, importer, item_id, value_kusd``); default: the
        network's own ``net.trade_flows`` (loaded by ``StackNetwork.from_store``). Pass an
        empty frame to ignore them; without flows every buyer uses the world pool.

    Returns
    -------
    :class:`SourcingNetwork` with node labels ``producer:CHN:gallium``,
    ``market:WLD:gallium``, ``market:JPN:gallium``, ``unattributed:?:logic_die`` and
    ``facility:mountain_pass:rare_earth_ore``.
    """
    day = as_date(as_of)
    trade = net.trade_flows if trade is None else trade
    shares = _world_shares(net, day)
    used = _used_flows(trade, day)
    mix = _trade_mix(used)
    proxied = _export_shares(mix[~mix["item_id"].isin(set(shares["item_id"]))])
    shares = pd.concat([shares, proxied], ignore_index=True)
    recipe_items = set(net.recipes["output_item"]) | set(net.recipes["input_item"])
    items = sorted(recipe_items | set(shares["item_id"]) | set(mix["item_id"]))
    produced = set(shares["item_id"])
    producers = pd.concat([shares[["item_id", "country"]],
                           pd.DataFrame({"item_id": sorted(set(items) - produced),
                                         "country": UNATTRIBUTED})], ignore_index=True)
    traded = mix[["importer", "item_id"]].drop_duplicates()
    facilities = net.facilities.dropna(subset=["item_id"])
    facilities = facilities[facilities["item_id"].isin(items)]
    rows = (
        [("market", "WLD", item, "", "export shares" if item in set(proxied["item_id"]) else "pool")
         for item in items]
        + [("unattributed" if c == UNATTRIBUTED else "producer", c, i, "", "")
           for i, c in zip(producers["item_id"], producers["country"], strict=True)]
        + [("market", c, i, "", "trade") for c, i in zip(traded["importer"], traded["item_id"],
                                                           strict=True)]
        + [("facility", c, i, f, "") for f, c, i in zip(
            facilities["facility_id"], facilities["country"], facilities["item_id"], strict=True)]
    )
    nodes = pd.DataFrame(rows, columns=["role", "country", "item_id", "facility_id", "sourcing"])
    nodes["node"] = [f"{r}:{f or c or '?'}:{i}" for r, c, i, f in zip(
        nodes["role"], nodes["country"], nodes["item_id"], nodes["facility_id"], strict=True)]
    nodes["stage"] = nodes["item_id"].map(net.item_stage).fillna("")
    nodes = nodes[["node", "role", "country", "item_id", "stage", "facility_id", "sourcing"]]
    index = {label: pos for pos, label in enumerate(nodes["node"])}

    def producer(country: str, item: str) -> int | None:
        role = "unattributed" if country == UNATTRIBUTED else "producer"
        return index.get(f"{role}:{country or '?'}:{item}")

    edges: list[tuple[int, int, str, float, bool, float]] = []
    for item, country, share in zip(shares["item_id"], shares["country"], shares["share"],
                                    strict=True):
        edges.append((index[f"market:WLD:{item}"], producer(country, item), item, share, True, 1.0))
    for item in sorted(set(items) - produced):
        edges.append((index[f"market:WLD:{item}"], producer(UNATTRIBUTED, item), item, 1.0, True, 1.0))
    world = {(i, c): s for i, c, s in zip(shares["item_id"], shares["country"], shares["share"],
                                          strict=True)}
    for (importer, item), part in mix.groupby(["importer", "item_id"]):
        market = index[f"market:{importer}:{item}"]
        domestic = world.get((item, importer), 0.0)
        if domestic > 0:
            edges.append((market, producer(importer, item), item, domestic, True, 1.0))
        total = float(part["value"].sum())
        for exporter, value in zip(part["exporter"], part["value"], strict=True):
            supplier = producer(exporter, item) if (item, exporter) in world else None
            supplier = index[f"market:WLD:{item}"] if supplier is None else supplier
            edges.append((market, supplier, item, (1 - domestic) * value / total, True, 1.0))
    recipes = net.recipes
    local = _non_tradables(net)
    for position in np.flatnonzero(nodes["role"].isin(["producer", "unattributed", "facility"])):
        node = nodes.iloc[position]
        lines = recipes[recipes["output_item"] == node["item_id"]]
        for line in lines.itertuples():
            market = index.get(f"market:{node['country']}:{line.input_item}",
                               index[f"market:WLD:{line.input_item}"])
            if line.input_item in local and node["country"] != UNATTRIBUTED:
                # not traded across borders: made where it is used, when the data locate it there
                market = producer(node["country"], line.input_item) or market
            edges.append((int(position), market, line.input_item, 1.0, bool(line.essential),
                          float(line.quantity)))
    frame = pd.DataFrame(edges, columns=["buyer", "supplier", "input_item", "share", "essential",
                                         "quantity"])
    built = sourcing_network_from_edges(nodes, frame)
    return SourcingNetwork(built.nodes, built.groups, built.links, day, _basis(used, trade, day))

