"""The stack's own sourcing network as a simulation network (country × item, physical units).

Built from :func:`~paxsilica.analytics.network.sourcing_network` (recipes, world shares,
optional trade data) and the cited item parameters (:mod:`paxsilica.simulate.items`):

1. *Industries* are the producer nodes: one per (country, item) with a cited world share
   ``w_ck`` (latest non-projection year on or before ``as_of``), plus one
   ``unattributed`` industry per item for the share no named country accounts for.
2. *World output* ``X_k`` (item units per year) is the item's cited ``world_output``.
   An item without one is *unsized*: the network carries only what its modelled users
   need, ``U_k = Σ_(j uses k) q_(j←k) X_j`` (1 unit a year for an item nobody in the
   stack uses), its results are shares only (no quantities, no USD) and the network's
   notes say so. Output of an industry: ``x_ck = w_ck X_k``.
3. *Flows*: each producer buys each recipe input ``j`` (``q`` units per unit of output)
   from the suppliers its market points to (country market when trade data exist,
   else the world pool; pools resolved down to producers):
   ``Z[(c', j), (c, k)] = q_(k←j) · x_ck · share_(c'|c, j)``. Inputs that are not traded
   across borders (electricity, a data centre's service) come from the buyer's own
   country's producer (its unattributed producer when the buyer's country makes none).
4. *Demand outside the stack* (final demand) of an industry is ``x − Z·1``, placed by
   country: in proportion to the item's cited ``consumption_share``; else, for a priced
   item with stored trade flows, to each country's apparent consumption (production +
   imports − exports, in USD); else (and for every non-tradable item) where it is
   produced. ``sectors.demand_placement`` says which. Where the stack's modelled use
   exceeds the cited output the data disagree: the model keeps the recipe flows (output =
   use, no outside demand) and says so.
5. Non-essential recipe lines (``essential = false``) are *soft*: they never constrain
   output (BoARIO's infinite inventories, per link).
6. Money: price (USD per unit) and value-added ratio per industry (the country's own
   row, else the world's); ``sectors`` carries the per-item data events and capital
   fleets read (qualification time, substitutable share, tradable, capital, service life).

Example:
    >>> from paxsilica.store import open_store
    >>> from paxsilica.model.network import StackNetwork
    >>> net, resolve = stack_network(StackNetwork.from_store(open_store(":memory:")), as_of="2026-01-01")
    >>> net.kind, bool((net.industries["sector"] == "gallium").any())
    ('stack', True)
    >>> "USA" in resolve("pax_silica", None)
    True
    >>> gallium = net.industries["sector"].eq("gallium").to_numpy()
    >>> round(float(net.output()[gallium].sum()))   # kg a year: USGS world output (2025)
    900000
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import scipy.sparse as sp

from paxsilica.analytics.network import sourcing_network
from paxsilica.errors import NotFoundError
from paxsilica.model.network import StackNetwork, as_date
from paxsilica.simulate.events import Resolver
from paxsilica.simulate.items import ItemEconomics, apparent_consumption, item_economics
from paxsilica.simulate.network import SimNetwork

__all__ = ["UNATTRIBUTED_REGION", "stack_network"]

UNATTRIBUTED_REGION = "unattributed"
TOP_OF_STACK = 1.0
"""Output (units per year) of an unsized item that no modelled item uses (shares only)."""


def _producer_mix(snet: object) -> sp.csr_matrix:
    """``nodes × nodes``: the producers each node's supply comes from (markets resolved)."""
    nodes = snet.nodes  # type: ignore[attr-defined]
    n = len(nodes)
    producer = nodes["role"].isin(["producer", "unattributed"]).to_numpy()
    groups = snet.groups  # type: ignore[attr-defined]
    market_groups = np.flatnonzero((nodes["role"].to_numpy() == "market")[groups["buyer"].to_numpy()])
    buyers = groups["buyer"].to_numpy()[market_groups]
    links = snet.links[market_groups].tocoo()  # type: ignore[attr-defined]
    market = sp.csr_matrix((links.data, (buyers[links.row], links.col)), shape=(n, n))
    own = sp.diags(producer.astype(float)).tocsr()
    mix = own
    for _ in range(6):  # market -> world pool -> producer chains are at most three long
        mix = (own + market @ mix).tocsr()
    return mix


def _domestic(supply: sp.coo_matrix, buyer_region: np.ndarray, input_item: np.ndarray,
              items: np.ndarray, regions: np.ndarray, not_traded: set[str]) -> sp.coo_matrix:
    """Groups buying a non-traded input source it at home (else from its unattributed producer)."""
    if not not_traded:
        return supply
    where = {(i, r): pos for pos, (i, r) in enumerate(zip(items, regions, strict=True))}
    csr = supply.tocsr().tolil()
    for group in np.flatnonzero(np.isin(input_item, list(not_traded))):
        home = where.get((input_item[group], buyer_region[group]),
                         where.get((input_item[group], UNATTRIBUTED_REGION)))
        if home is not None:
            csr.rows[group], csr.data[group] = [home], [1.0]
    return csr.tocoo()


def _sizes(econ: ItemEconomics, recipe: pd.Series, items: list[str]) -> tuple[dict[str, float], list[str]]:
    """World output per item (cited), or for an unsized item what its users need."""
    cited = econ.sectors["world_output"].dropna().to_dict()
    output: dict[str, float] = {}
    pending = sorted(items)
    for _ in range(len(pending) + 1):
        for item in list(pending):
            if item in cited:
                output[item] = float(cited[item])
                pending.remove(item)
                continue
            users = recipe[recipe.index.get_level_values("input") == item]
            user_items = list(users.index.get_level_values("output"))
            if any(u not in output for u in user_items if u != item):
                continue
            need = float(sum(users[(u, item)] * output[u] for u in user_items if u in output))
            output[item] = need or TOP_OF_STACK
            pending.remove(item)
        if not pending:
            break
    for item in pending:  # a recipe cycle among unsized items: one unit, shares only
        output[item] = TOP_OF_STACK
    return output, sorted(set(items) - set(cited))


def _consumption(net: StackNetwork, econ: ItemEconomics, items: np.ndarray, regions: np.ndarray,
                 x: np.ndarray, day: date) -> tuple[pd.DataFrame, set[str]]:
    """Where each item's outside demand sits: cited consumption shares, else for priced items
    with trade data the apparent consumption (production + imports − exports); which items
    the trade data placed."""
    cited = econ.consumption
    price = econ.price_of(items, regions)
    made = pd.DataFrame({"item_id": items, "country": regions, "usd": x * price})
    made = made[np.isfinite(made["usd"]) & ~made["item_id"].isin(set(cited["item_id"]))]
    traded = apparent_consumption(net.trade_flows, made, day)
    # a cited share wins: the trade flows of a cited item would otherwise add a second placement
    traded = traded[~traded["item_id"].isin(set(cited["item_id"]))]
    return pd.concat([cited, traded], ignore_index=True), set(traded["item_id"])


def _place(leftover: np.ndarray, items: np.ndarray, regions: np.ndarray, consumption: pd.DataFrame,
           not_traded: set[str]) -> tuple[np.ndarray, list[str], dict[str, str]]:
    """Final demand ``n × R`` by destination: consumption shares, the rest at home."""
    shares = consumption[consumption["item_id"].isin(set(items) - not_traded)]
    labels = sorted(set(regions) | set(shares["country"]))
    column = {label: pos for pos, label in enumerate(labels)}
    final = np.zeros((items.size, len(labels)))
    home = np.array([column[r] for r in regions])
    final[np.arange(items.size), home] = leftover
    placement = {}
    for item, part in shares.groupby("item_id"):
        rows = np.flatnonzero(items == item)
        cited = part.groupby("country")["value"].sum()
        total = min(float(cited.sum()), 1.0)
        final[rows, home[rows]] = leftover[rows] * (1.0 - total)
        for country, share in cited.items():
            final[rows, column[country]] += leftover[rows] * share / max(float(cited.sum()), 1.0)
        placement[str(item)] = "consumption_share"
    return final, labels, placement


def stack_network(net: StackNetwork, *,
                  as_of: date | str | None = None) -> tuple[SimNetwork, Resolver]:
    """The simulation network of the stack (sourced from the network's own stored trade
    flows), and a resolver of country and group names."""
    day = as_date(as_of)
    snet = sourcing_network(net, as_of=day)
    nodes = snet.nodes
    producer = nodes["role"].isin(["producer", "unattributed"]).to_numpy()
    positions = np.flatnonzero(producer)
    local = np.full(len(nodes), -1)
    local[positions] = np.arange(positions.size)
    items = nodes["item_id"].to_numpy()[positions].astype(str)
    regions = np.where(nodes["country"].to_numpy()[positions] == "", UNATTRIBUTED_REGION,
                       nodes["country"].to_numpy()[positions]).astype(str)
    world = snet.links[[snet.node_index(f"market:WLD:{item}") for item in sorted(set(items))]]
    share = np.zeros(len(nodes))
    for row, _item in enumerate(sorted(set(items))):
        entries = world[row]
        share[entries.indices] = entries.data
    econ = item_economics(net, sorted(set(items)), as_of=day)
    not_traded = set(econ.sectors.index[~econ.sectors["tradable"]])
    groups = snet.groups
    group_rows = np.flatnonzero(producer[groups["buyer"].to_numpy()])
    g_buyer = local[groups["buyer"].to_numpy()[group_rows]]
    g_input = groups["input_item"].to_numpy()[group_rows].astype(str)
    supply = (snet.links[group_rows] @ _producer_mix(snet)).tocsr()[:, positions].tocoo()
    supply = _domestic(supply, regions[g_buyer], g_input, items, regions, not_traded)
    g_qty = groups["quantity"].to_numpy(dtype=float)[group_rows]
    g_soft = ~groups["essential"].to_numpy(dtype=bool)[group_rows]
    uses = pd.DataFrame({"output": items[g_buyer], "input": g_input, "qty": g_qty,
                         "share": share[positions][g_buyer]})
    recipe = uses.assign(weighted=uses["qty"] * uses["share"]).groupby(["output", "input"])["weighted"].sum()
    output, unsized = _sizes(econ, recipe, sorted(set(items)))
    x = np.array([output[item] for item in items]) * share[positions]
    values = g_qty[supply.row] * x[g_buyer[supply.row]] * supply.data
    z = sp.csr_matrix((values, (supply.col, g_buyer[supply.row])), shape=(positions.size,) * 2)
    soft = sp.csr_matrix((g_soft[supply.row].astype(float), (supply.col, g_buyer[supply.row])),
                         shape=z.shape)
    soft.data = (soft.data > 0).astype(float)
    used = np.asarray(z.sum(axis=1)).ravel()
    notes = _notes(econ, unsized, items, regions, x, used)
    consumption, by_trade = _consumption(net, econ, items, regions, x, day)
    final, final_regions, placement = _place(np.maximum(x - used, 0.0), items, regions, consumption,
                                             not_traded)
    placement.update({item: "trade (apparent consumption)" for item in by_trade if item in placement})
    sectors = econ.sectors.assign(demand_placement=[placement.get(i, "where produced")
                                                    for i in econ.sectors.index])
    aliases: dict[str, tuple[str, ...]] = {}
    present = set(items)
    for item_id, names in zip(net.items["item_id"], net.items["aliases"], strict=True):
        for name in names or []:
            if item_id in present:
                aliases[name.lower()] = (*aliases.get(name.lower(), ()), item_id)
    sim = SimNetwork(pd.DataFrame({"region": regions, "sector": items}), z, final, final_regions,
                     unit="item units per year", kind="stack",
                     units=tuple(str(sectors.loc[i, "unit"]) for i in items), soft=soft, aliases=aliases,
                     price=econ.price_of(items, regions), va_ratio=econ.va_ratio_of(items, regions),
                     sectors=sectors, parameters=econ.parameters, notes=tuple(notes))
    return sim, _resolver(net)


def _notes(econ: ItemEconomics, unsized: list[str], items: np.ndarray, regions: np.ndarray,
           x: np.ndarray, used: np.ndarray) -> list[str]:
    """What the data leave open: unsized and unpriced items, use above cited output."""
    notes = []
    if unsized:
        notes.append(f"unsized items (no cited world_output; the network carries only the stack's "
                     f"own use of them and their results are shares, no quantities or USD): "
                     f"{', '.join(unsized)}")
    priced = set(econ.prices["item_id"])
    unpriced = sorted(set(items) - priced)
    if unpriced:
        notes.append(f"unpriced items (no cited price; their losses have no USD value): "
                     f"{', '.join(unpriced)}")
    no_va = sorted(set(items) & priced - set(econ.va_ratios["item_id"]))
    if no_va:
        notes.append(f"no cited value-added ratio (no value_added_loss_usd) for: {', '.join(no_va)}")
    proxied = econ.va_proxied(items, regions)
    if proxied.any():
        countries = sorted(set(regions[proxied]) - {UNATTRIBUTED_REGION})
        notes.append(f"value added outside the US uses the US industries' value-added ratios as a "
                     f"proxy (assumption; no ratio cited for {len(countries)} other countries and "
                     "unattributed producers)")
    frame = pd.DataFrame({"item": items, "x": x, "used": used}).groupby("item").sum()
    over = frame[(frame["used"] > frame["x"] * (1 + 1e-9))
                 & frame.index.isin(econ.sectors.index[econ.sectors["sized"]])]
    for item, row in over.iterrows():
        notes.append(f"the stack's modelled use of {item} is {row['used'] / row['x']:.3g}x its cited "
                     "world output: the data disagree; the model keeps the recipe flows (no "
                     "outside demand)")
    return notes


def _iso3(code: str) -> bool:
    """A current ISO 3166 alpha-3 code (or Kosovo's user-assigned XKX)."""
    import pycountry

    return len(code) == 3 and code.isupper() and (
        code == "XKX" or pycountry.countries.get(alpha_3=code) is not None)


def _resolver(net: StackNetwork) -> Resolver:
    """ISO3 codes and group ids (members as of the event's day) to country codes."""
    groups = set(net.groups["group_id"])

    def resolve(name: str, day: date | None) -> set[str] | None:
        if name in groups:
            try:
                return set(net.members(name, day))
            except NotFoundError:
                return None
        return {name} if _iso3(name) else None

    return resolve
