"""The economy's data about each item, read from the cited item parameters (contract B).

:func:`item_economics` gathers, for the items of the stack network, as of a date (latest
non-projection year, :func:`paxsilica.model.parameters.item_parameter`):

* ``world_output`` — sizes the item (annual world production, item units); an item without
  it is *unsized*;
* ``price`` (USD per unit; a country's own row wins over the world's) and
  ``value_added_ratio`` — value the losses; an item without a price is *unpriced*;
* ``qualification_days``, ``substitutable_share`` — how buyers move to other suppliers;
* ``service_life_years`` — of capital items (servers, fab equipment);
* ``consumption_share`` by country — where the item's demand outside the stack sits;
* the catalogue flags ``tradable``, ``capital`` and the kind ``service`` (an operator of
  capital goods).

Missing data are never filled from the stack's own use: the network says what is missing
(:attr:`~paxsilica.simulate.network.SimNetwork.notes`) and results for unsized items are
shares only. Ranges (``low``/``high``) are kept for ensembles (:func:`with_parameters`).

Example:
    >>> from paxsilica.store import open_store
    >>> from paxsilica.model.network import StackNetwork
    >>> econ = item_economics(StackNetwork.from_store(open_store(":memory:")), ["gallium"], as_of=2025)
    >>> bool(econ.sectors.loc["gallium", "sized"]), econ.sectors.loc["gallium", "unit"]
    (True, 'kg Ga')
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd

from paxsilica.model.network import StackNetwork
from paxsilica.model.parameters import item_parameter
from paxsilica.simulate.network import SimNetwork

__all__ = ["DRAWN", "ItemEconomics", "apparent_consumption", "item_economics", "with_parameters"]

PROXY_COUNTRY = "USA"
"""Country whose value-added ratios stand in for countries without their own (the bundled
ratios are the US industries', from BEA's table): an assumption, warned."""
WORLD_PARAMETERS = ["world_output", "qualification_days", "substitutable_share", "service_life_years"]
DRAWN = ["world_output", "price", "value_added_ratio", "qualification_days", "substitutable_share",
         "service_life_years"]
"""Parameters whose cited ranges ensembles draw from."""


@dataclass(frozen=True)
class ItemEconomics:
    """Per-item table (``sectors``), the rows used (``parameters``), prices and value-added
    ratios by (country, item) with world fallbacks, and consumption shares."""

    sectors: pd.DataFrame
    parameters: pd.DataFrame
    prices: pd.DataFrame       # item_id, country (WLD = world), value
    va_ratios: pd.DataFrame    # item_id, country, value
    consumption: pd.DataFrame  # item_id, country, value

    def price_of(self, items: np.ndarray, regions: np.ndarray) -> np.ndarray:
        """USD per unit per industry (its country's price, else the world's; NaN: none)."""
        return _by_country(self.prices, items, regions)

    def va_ratio_of(self, items: np.ndarray, regions: np.ndarray) -> np.ndarray:
        """Value-added ratio per industry: its country's, else the world's, else — as a proxy,
        an assumption the network's notes name — the US industry's ratio (NaN: none)."""
        ratios = _by_country(self.va_ratios, items, regions)
        proxy = _by_country(self.va_ratios, items, np.full(len(items), PROXY_COUNTRY))
        return np.where(np.isnan(ratios), proxy, ratios)

    def va_proxied(self, items: np.ndarray, regions: np.ndarray) -> np.ndarray:
        """Industries whose value-added ratio is the US proxy."""
        own = _by_country(self.va_ratios, items, regions)
        proxy = _by_country(self.va_ratios, items, np.full(len(items), PROXY_COUNTRY))
        return np.isnan(own) & ~np.isnan(proxy) & (np.asarray(regions) != PROXY_COUNTRY)


def _by_country(table: pd.DataFrame, items: np.ndarray, regions: np.ndarray) -> np.ndarray:
    lookup = dict(zip(zip(table["item_id"], table["country"], strict=True), table["value"], strict=True))
    return np.array([lookup.get((i, r), lookup.get((i, "WLD"), np.nan))
                     for i, r in zip(items, regions, strict=True)], dtype=float)


def _latest(net: StackNetwork, name: str, day: date | int | None) -> pd.DataFrame:
    rows = item_parameter(net, name, as_of=day)
    return rows.assign(parameter=name)


def item_economics(net: StackNetwork, items: list[str], *, as_of: date | str | int | None = None) -> ItemEconomics:
    """What the cited parameters say about ``items`` as of a date (see the module docstring)."""
    rows = pd.concat([_latest(net, name, as_of) for name in [*DRAWN, "consumption_share"]],
                     ignore_index=True)
    rows = rows[rows["item_id"].isin(items)]
    world = rows[rows["country"] == "WLD"]
    sectors = pd.DataFrame(index=pd.Index(sorted(items), name="sector"))
    for name in WORLD_PARAMETERS:
        sectors[name] = world[world["parameter"] == name].set_index("item_id")["value"].reindex(sectors.index)
    catalogue = net.items.set_index("item_id").reindex(sectors.index)
    sectors["sized"] = sectors["world_output"].notna()
    units = world[world["parameter"] == "world_output"].set_index("item_id")["unit"]
    sectors["unit"] = units.reindex(sectors.index).fillna(catalogue["unit"]).fillna("")
    sectors["tradable"] = catalogue.get("tradable", pd.Series(True, index=sectors.index)).fillna(True).astype(bool)
    sectors["capital"] = catalogue.get("capital", pd.Series(False, index=sectors.index)).fillna(False).astype(bool)
    sectors["service"] = catalogue["kind"].eq("service").fillna(False).astype(bool)

    def values(name: str) -> pd.DataFrame:
        return rows[rows["parameter"] == name][["item_id", "country", "value"]].reset_index(drop=True)

    return ItemEconomics(sectors, rows.reset_index(drop=True), values("price"), values("value_added_ratio"),
                         values("consumption_share"))


def apparent_consumption(trade: pd.DataFrame, production_usd: pd.DataFrame, day: date) -> pd.DataFrame:
    """Each country's share of an item's use from trade data: production + imports − exports
    (USD; ``production_usd``: ``item_id, country, usd``), latest trade year on or before
    ``day`` per item, floored at 0. Only items with trade data; ``item_id, country, value``.

    >>> trade = pd.DataFrame({"year": [2024], "exporter": ["CHN"], "importer": ["USA"],
    ...                       "item_id": ["gallium"], "value_kusd": [40.0]})
    >>> made = pd.DataFrame({"item_id": ["gallium"], "country": ["CHN"], "usd": [100_000.0]})
    >>> apparent_consumption(trade, made, date(2026, 1, 1)).to_dict("records")
    [{'item_id': 'gallium', 'country': 'CHN', 'value': 0.6}, {'item_id': 'gallium', 'country': 'USA', 'value': 0.4}]
    """
    columns = ["item_id", "country", "value"]
    if trade is None or trade.empty:
        return pd.DataFrame(columns=columns)
    flows = trade[(trade["year"].astype(int) <= day.year) & (trade["exporter"] != trade["importer"])
                  & trade["item_id"].notna() & (trade["value_kusd"].astype(float) > 0)]
    flows = flows[flows["year"] == flows.groupby("item_id")["year"].transform("max")]
    if flows.empty:
        return pd.DataFrame(columns=columns)
    usd = flows["value_kusd"].astype(float) * 1000.0
    imports = usd.groupby([flows["item_id"], flows["importer"]]).sum()
    exports = usd.groupby([flows["item_id"], flows["exporter"]]).sum()
    made = production_usd[production_usd["item_id"].isin(set(flows["item_id"]))]
    made = made.groupby(["item_id", "country"])["usd"].sum()
    for frame in (imports, exports):
        frame.index = frame.index.set_names(["item_id", "country"])
    use = made.add(imports, fill_value=0.0).sub(exports, fill_value=0.0).clip(lower=0.0)
    total = use.groupby(level="item_id").transform("sum")
    shares = (use / total.where(total > 0)).dropna()
    return shares[shares > 0].rename("value").reset_index()[columns]


def with_parameters(sim: SimNetwork, draws: dict[tuple[str, str], float]) -> SimNetwork:
    """The network with some item parameters set to other values (an ensemble member's
    draw): ``{(item, parameter): value}`` for the parameters of :data:`DRAWN` (world rows).

    A new world output rescales the item's producers and their demand outside the stack
    (the stack's own flows stay: they follow its users); prices and value-added ratios
    replace the world value for industries without a country price; the others change the
    sectors table the events read.
    """
    if not draws:
        return sim
    sectors = sim.sectors.copy() if sim.sectors is not None else pd.DataFrame()
    final = sim.final.copy()
    price = None if sim.price is None else sim.price.copy()
    va = None if sim.va_ratio is None else sim.va_ratio.copy()
    labels = sim.industries["sector"].to_numpy().astype(str)
    country_priced = _country_priced(sim)
    sold = np.asarray(sim.z.sum(axis=1)).ravel()
    for (item, name), value in draws.items():
        rows = labels == item
        if name == "world_output":
            old = float(sectors.loc[item, "world_output"])
            if not rows.any() or not old > 0:
                continue
            x = (sold[rows] + final[rows].sum(axis=1)) * value / old
            left = np.maximum(x - sold[rows], 0.0)
            current = final[rows].sum(axis=1, keepdims=True)
            spread = np.divide(final[rows], current, out=np.zeros_like(final[rows]), where=current > 0)
            final[rows] = spread * left[:, None]
            sectors.loc[item, "world_output"] = value
        elif name == "price" and price is not None:
            price[rows & ~country_priced[0]] = value
        elif name == "value_added_ratio" and va is not None:
            va[rows & ~country_priced[1]] = value
        elif name in sectors.columns:
            sectors.loc[item, name] = value
    return replace(sim, final=final, price=price, va_ratio=va, sectors=sectors)


def _country_priced(sim: SimNetwork) -> tuple[np.ndarray, np.ndarray]:
    """Industries whose price / value-added ratio is their country's own (not drawn)."""
    rows = sim.parameters if sim.parameters is not None else pd.DataFrame(
        columns=["item_id", "country", "parameter"])
    own = rows[rows["country"] != "WLD"]
    pairs = list(zip(sim.industries["sector"], sim.industries["region"], strict=True))
    out = []
    for name in ("price", "value_added_ratio"):
        part = own[own["parameter"] == name]
        named = set(zip(part["item_id"], part["country"], strict=True))
        out.append(np.array([pair in named for pair in pairs], dtype=bool))
    return out[0], out[1]
