"""The stack's own sourcing network as a simulation network (country × item, physical units).

Built from :func:`~paxsilica.analytics.network.sourcing_network` (recipes, world shares,
optional trade data); no money table is needed. How the Leontief-like ``Z`` is formed:

1. *Industries* are the producer nodes: one per (country, item) with a cited world share
   ``w_ck`` (latest non-projection year on or before ``as_of``), plus one
   ``unattributed`` industry per item for the share no named country accounts for.
2. *World output* ``X_k`` (item units per year): the cited quantities of the item's
   producers divided by their share (``Σ quantity / Σ share``), when quantities exist.
   Items without quantities take what their modelled users need,
   ``U_k = Σ_(j uses k) q_(j←k) X_j``; an item nobody in the stack uses and without
   quantities (the top of the stack, e.g. ``ai_data_centre``) is 1 unit per year, so
   read its results as shares (``loss_share``), not quantities. When cited output is
   below modelled use (``U_k > X_k``) the model takes ``X_k = U_k``.
   Output of an industry: ``x_ck = w_ck X_k``.
3. *Flows*: each producer buys each recipe input ``j`` (``q`` units per unit of output)
   from the suppliers its market points to (country market when trade data exist,
   else the world pool; pools resolved down to producers):
   ``Z[(c', j), (c, k)] = q_(k←j) · x_ck · share_(c'|c, j)``.
4. *Final demand* of an industry is what is left, ``x − Z·1`` (uses outside the modelled
   stack), consumed in the producing country (no cited destination data).
5. Non-essential recipe lines (``essential = false``) are *soft*: they never constrain
   output (BoARIO's infinite inventories, per link).

Example:
    >>> from paxsilica.store import open_store
    >>> from paxsilica.model.network import StackNetwork
    >>> net, resolve = stack_network(StackNetwork.from_store(open_store(":memory:")), as_of="2026-01-01")
    >>> net.kind, bool((net.industries["sector"] == "gallium").any())
    ('stack', True)
    >>> "USA" in resolve("pax_silica", None)
    True
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import scipy.sparse as sp

from paxsilica.analytics.concentration import country_shares
from paxsilica.analytics.network import sourcing_network
from paxsilica.errors import NotFoundError
from paxsilica.model.network import StackNetwork, as_date
from paxsilica.simulate.events import Resolver
from paxsilica.simulate.network import SimNetwork

__all__ = ["UNATTRIBUTED_REGION", "stack_network"]

UNATTRIBUTED_REGION = "unattributed"
TOP_OF_STACK = 1.0
"""Output (units per year) of an item without quantities that no modelled item uses."""


def _world_quantities(net: StackNetwork, day: date) -> dict[str, float]:
    """Cited world output per item: named quantities over their shares (latest year)."""
    shares = country_shares(net.supplies)
    shares = shares[(shares["stage"] == shares["item_id"].map(net.item_stage))
                    & (shares["basis"] != "projection") & (shares["year"] <= day.year)
                    & shares["is_country"]]
    shares = shares[shares["year"] == shares.groupby("item_id")["year"].transform("max")]
    known = shares.dropna(subset=["quantity"])
    known = known[known["quantity"] > 0]
    totals = known.groupby("item_id").agg(quantity=("quantity", "sum"), share=("share", "sum"))
    totals = totals[totals["share"] > 0]
    return (totals["quantity"] / totals["share"].clip(upper=1.0)).to_dict()


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
    mix = _producer_mix(snet)
    groups = snet.groups
    buying = producer[groups["buyer"].to_numpy()]
    group_rows = np.flatnonzero(buying)
    supply = (snet.links[group_rows] @ mix).tocsr()[:, positions].tocoo()
    g_buyer = local[groups["buyer"].to_numpy()[group_rows]]
    g_qty = groups["quantity"].to_numpy(dtype=float)[group_rows]
    g_soft = ~groups["essential"].to_numpy(dtype=bool)[group_rows]
    # world output per item, downstream first: X_k = max(cited, modelled use)
    cited = _world_quantities(net, day)
    uses = pd.DataFrame({"output": items[g_buyer], "input": groups["input_item"].to_numpy()[group_rows],
                         "qty": g_qty, "share": share[positions][g_buyer]})
    recipe = uses.assign(weighted=uses["qty"] * uses["share"]).groupby(["output", "input"])["weighted"].sum()
    output: dict[str, float] = {}
    pending = sorted(set(items))
    for _ in range(len(pending) + 1):
        for item in list(pending):
            users = recipe[recipe.index.get_level_values("input") == item]
            user_items = list(users.index.get_level_values("output"))
            if any(u not in output for u in user_items if u != item):
                continue
            need = float(sum(users[(u, item)] * output[u] for u in user_items if u in output))
            output[item] = max(cited.get(item, 0.0), need) or TOP_OF_STACK
            pending.remove(item)
        if not pending:
            break
    for item in pending:  # a recipe cycle: fall back to cited output or one unit
        output[item] = cited.get(item, TOP_OF_STACK)
    x = np.array([output[item] for item in items]) * share[positions]
    values = g_qty[supply.row] * x[g_buyer[supply.row]] * supply.data
    z = sp.csr_matrix((values, (supply.col, g_buyer[supply.row])), shape=(positions.size,) * 2)
    soft = sp.csr_matrix((g_soft[supply.row].astype(float), (supply.col, g_buyer[supply.row])),
                         shape=z.shape)
    soft.data = (soft.data > 0).astype(float)
    leftover = np.maximum(x - np.asarray(z.sum(axis=1)).ravel(), 0.0)
    final_regions = sorted(set(regions))
    column = {region: pos for pos, region in enumerate(final_regions)}
    final = np.zeros((positions.size, len(final_regions)))
    final[np.arange(positions.size), [column[r] for r in regions]] = leftover
    item_units = dict(zip(net.supplies["item_id"], net.supplies["unit"].fillna(""), strict=False))
    present = set(items)
    aliases: dict[str, tuple[str, ...]] = {}
    for item_id, names in zip(net.items["item_id"], net.items["aliases"], strict=True):
        for name in names or []:
            if item_id in present:
                aliases[name.lower()] = (*aliases.get(name.lower(), ()), item_id)
    sim = SimNetwork(pd.DataFrame({"region": regions, "sector": items}), z, final, final_regions,
                     unit="item units per year", kind="stack",
                     units=tuple(str(item_units.get(i, "") or "") for i in items), soft=soft,
                     aliases=aliases)
    return sim, _resolver(net)


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
