"""Capital goods: a shortage of servers cuts additions to a data centre's fleet, not the fleet.

An input is a *capital fleet* of its buyer when the item is flagged capital (servers,
accelerators, fab equipment) and the buyer operates it rather than building it into a good:
the buyer's sector is a service (an AI data centre, wafer-fab capacity) — a GPU that goes
into a server is an intermediate input of the server maker, a server in a data centre is
its capital. The recipe line of such an input is the fleet's replacement per unit of
output (``T``, e.g. 0.2 servers per server-year for a 5-year life).

Model (a hook around the ARIO kernel, which keeps ``step(state, params, shocks)``):

* the buyer's stock entry of the capital good holds the installed fleet on top of the
  usual buffer: target ``(s + L)·T·X0`` with ``L`` the service life in days, so the
  steady state is unchanged (orders = replacement ``T·x``);
* the entry never limits output through the inventory rule (step 4): the fleet is not
  used up by producing;
* when deliveries fall short, the buffer goes first, then retirements are not replaced
  and the fleet shrinks by ``T·x`` a day; the buyer can run at most the share of its
  baseline fleet it still has: ``x ≤ min(1, S/(L·T·X0))·α·X0``
  (:attr:`~paxsilica.simulate.ario.Shocks.output_cap`, after ``x^opt``, so its orders
  still aim at the full fleet and rebuild it once supply returns).

A year-long stop of server deliveries therefore costs a data centre with a 5-year fleet
and 90 days of spare servers about ``(365 − 90)/(5·365)`` ≈ 15 % of its capacity at the end
of the year, never its running fleet.

Example (a data centre D runs 100 servers for 5 years, replacing 20 a year from maker M):
    >>> import scipy.sparse as sp
    >>> from paxsilica.simulate.ario import build_params, initial_state
    >>> params = build_params(sp.csr_matrix([[0.0, 20.0], [0.0, 0.0]]), np.array([0.0, 100.0]),
    ...                       np.array([0, 1]), inventory_days=90)
    >>> params, fleet = with_fleets(params, np.array([True]), np.array([5 * 365.0]))
    >>> state = initial_state(params)
    >>> round(float(state.stocks[0]), 3)   # 100 servers installed + 90 days of spares
    104.932
    >>> fleet.output_cap(state, params) is None
    True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from paxsilica.simulate.ario import ARIOParams, ARIOState
from paxsilica.simulate.ario_params import with_stocks
from paxsilica.simulate.network import SimNetwork
from paxsilica.simulate.sectors import per_industry, sector_flags

__all__ = ["ASSUMED_SERVICE_LIFE_YEARS", "CapitalFleet", "capital_fleets", "with_fleets"]

ASSUMED_SERVICE_LIFE_YEARS = 5.0
"""Assumption (not cited): service life of a capital good without a cited
``service_life_years`` (a typical depreciation life of servers; warned when used)."""


@dataclass(frozen=True, eq=False)
class CapitalFleet:
    """The stock entries that are capital fleets and their baseline fleet size."""

    entries: np.ndarray    # stock entries k
    industries: np.ndarray  # buyer j of each entry
    fleet: np.ndarray      # L · T_k · X0_j, network units

    def share_left(self, stocks: np.ndarray) -> np.ndarray:
        """Per entry: share of the baseline fleet still installed (0–1)."""
        return np.clip(np.divide(stocks[self.entries], self.fleet, out=np.ones(self.entries.size),
                                 where=self.fleet > 0), 0.0, 1.0)

    def output_cap(self, state: ARIOState, params: ARIOParams) -> np.ndarray | None:
        """Most each industry can make with its fleet (``None`` while every fleet is whole)."""
        left = self.share_left(state.stocks)
        if (left >= 1.0).all():
            return None
        share = np.ones(params.n)
        np.minimum.at(share, self.industries, left)
        return np.where(share < 1.0, share * state.overprod * params.x0, np.inf)


def with_fleets(params: ARIOParams, capital_entry: np.ndarray,
                life_days: np.ndarray) -> tuple[ARIOParams, CapitalFleet | None]:
    """Kernel arrays with the capital entries holding their fleet (``capital_entry``: per
    stock entry, whether it is a fleet; ``life_days``: service life of each such entry)."""
    entries = np.flatnonzero(capital_entry)
    if entries.size == 0:
        return params, None
    life = np.asarray(life_days, dtype=float)
    inv_days = params.inv_days.copy()
    inv_days[entries] += life
    constrains = params.constrains.copy()
    constrains[entries] = False
    industries = params.stock_industry[entries]
    fleet = life * params.tech[entries] * params.x0[industries]
    return with_stocks(params, inv_days, constrains), CapitalFleet(entries, industries, fleet)


def capital_fleets(net: SimNetwork, params: ARIOParams) -> tuple[ARIOParams, CapitalFleet | None, list[str]]:
    """The network's capital fleets (capital items bought by service sectors) put into the
    kernel arrays; also the capital items whose service life is the assumed one."""
    capital = sector_flags(net, "capital", False)
    if not capital:
        return params, None, []
    _, labels = net.products()
    is_capital = np.array([label in capital for label in labels])
    service = per_industry(net, "service", False)
    entry = is_capital[params.stock_product] & service[params.stock_industry]
    if not entry.any():
        return params, None, []
    years = net.sectors.get("service_life_years")  # type: ignore[union-attr]
    life = np.array([float(years.get(label, np.nan)) if years is not None else np.nan
                     for label in labels])
    assumed = sorted({labels[p] for p in params.stock_product[entry] if np.isnan(life[p])})
    life = np.where(np.isnan(life), ASSUMED_SERVICE_LIFE_YEARS, life) * 365.0
    params, fleet = with_fleets(params, entry, life[params.stock_product[entry]])
    return params, fleet, assumed
