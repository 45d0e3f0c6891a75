"""Flow events (export bans, licence regimes, chokepoint closures) as link factors per step.

A compiled :class:`FlowCut` knows which entries of ``Z`` it cuts (``links``, positions in
``H``'s data), which final-demand flows (industry → destination region, ``pairs``), and per
link and pair how buyers move lost orders to other suppliers of the same item:

* ``stop``: share of each flow stopped (a ban: 1; a closure: ``severity``); a licence
  regime is *delay, then denial*: while licences are processed (``delay_days`` from its
  start) the covered share stops, afterwards ``share · deny_rate`` stays stopped
  (``stop_after`` from step ``switch``); ``late``: share delivered ``delay`` days late (the
  rest of a closure), nothing of which arrives during the first ``delay`` days (the *wait*);
* buyers move the part they cannot count on — the stopped share, and during a closure's
  wait the late share too — to the other suppliers, up to the item's substitutable share
  ``movable``, from the item's qualification time on (``ρ(t)``,
  :func:`~paxsilica.simulate.sectors.moved_share`): the link keeps an order weight
  ``1 − u(t)·movable·ρ(t)``. A licence regime is then a full ban for its delay and a partial
  ban after it, so more denial or a longer delay never leaves a buyer better supplied (the
  earlier inversion — only denied volume was moved, delayed volume waited — is gone);
* final demand (uses outside the modelled network) to the cut regions loses the stopped
  share and moves ``movable·ρ(t)`` of it to the other producers of the item that are not
  cut, in proportion to what they already sell to that region (else to their output):
  outside buyers compete for scarce supply like the modelled ones.

Example (a ban from A on B, item with a 10-day qualification, half substitutable):
    >>> cut = FlowCut(0, "export_ban", 0, 100, np.array([0]), 1.0, 0.0, 0,
    ...               np.array([10.0]), np.array([0.0]), np.array([0.5]))
    >>> cut.link_weight(5).tolist(), cut.link_weight(10).tolist()
    ([1.0], [0.5])
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from paxsilica.simulate.sectors import moved_share

__all__ = ["FlowCut", "flow_factors", "reroute_matrix"]


@dataclass
class FlowCut:
    """One compiled flow event (see the module docstring)."""

    index: int
    kind: str
    start: int
    end: int
    links: np.ndarray
    stop: float
    late: float
    delay: int
    qualify: np.ndarray
    ramp: np.ndarray
    movable: np.ndarray
    pair_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    pair_cols: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    pair_amount: np.ndarray = field(default_factory=lambda: np.zeros(0))
    pair_qualify: np.ndarray = field(default_factory=lambda: np.zeros(0))
    pair_ramp: np.ndarray = field(default_factory=lambda: np.zeros(0))
    pair_movable: np.ndarray = field(default_factory=lambda: np.zeros(0))
    reroute: sp.csr_matrix | None = None
    stop_after: float | None = None
    switch: int | None = None
    _timings: np.ndarray | None = field(default=None, repr=False)

    def stop_at(self, t: int) -> float:
        """Share of each cut flow stopped at ``t``."""
        if self.stop_after is None or self.switch is None or t < self.switch:
            return self.stop
        return self.stop_after

    def active(self, t: int) -> bool:
        """Whether the event acts at step ``t``."""
        return self.start <= t < self.end

    def waiting(self, t: int) -> bool:
        """Whether the first late deliveries are still on their way at ``t``."""
        return self.late > 0 and self.delay > 0 and t < self.start + self.delay

    def unavailable(self, t: int) -> float:
        """``u(t)``: share of a cut flow the buyer cannot count on at ``t``."""
        return self.stop_at(t) + (self.late if self.waiting(t) else 0.0)

    def link_weight(self, t: int) -> np.ndarray:
        """Order weight of each cut link at ``t`` (1: buyers still order all of it)."""
        rho = moved_share(t, self.start, self.qualify, self.ramp)
        return 1.0 - self.unavailable(t) * self.movable * rho

    def key(self, t: int) -> tuple:
        """What the factors of step ``t`` depend on (equal keys: reuse the arrays)."""
        if self._timings is None:  # the distinct (qualification, ramp) pairs, found once
            pairs = np.c_[np.r_[self.qualify, self.pair_qualify], np.r_[self.ramp, self.pair_ramp]]
            self._timings = np.unique(pairs, axis=0) if pairs.size else np.zeros((0, 2))
        rho = moved_share(t, self.start, self._timings[:, 0], self._timings[:, 1])
        return (self.index, self.waiting(t), self.stop_at(t), tuple(np.round(rho, 12)))

    def final_moved(self, t: int) -> np.ndarray:
        """Daily final demand of each pair moved to other producers at ``t``."""
        rho = moved_share(t, self.start, self.pair_qualify, self.pair_ramp)
        return self.pair_amount * self.stop_at(t) * self.pair_movable * rho


def flow_factors(cuts: list[FlowCut], t: int, entries: int, final_daily: np.ndarray) -> tuple:
    """``deliver``, ``weight``, ``delayed`` and ``final`` of the kernel's
    :class:`~paxsilica.simulate.ario.Shocks` for the cuts active at ``t``, and the daily
    final demand by destination (``n × R``; ``None`` when no final demand is cut)."""
    deliver = weight = None
    delayed: dict[int, np.ndarray] = {}
    by_region = None
    for cut in cuts:
        if not cut.active(t):
            continue
        deliver = np.ones(entries) if deliver is None else deliver
        weight = np.ones(entries) if weight is None else weight
        stop = cut.stop_at(t)
        deliver[cut.links] *= 1.0 - stop - cut.late
        weight[cut.links] *= cut.link_weight(t)
        if cut.late > 0 and cut.delay > 0:
            share = delayed.setdefault(cut.delay, np.zeros(entries))
            share[cut.links] = np.minimum(share[cut.links] + cut.late, 1.0)
        if cut.pair_rows.size and stop > 0:
            by_region = final_daily.copy() if by_region is None else by_region
            by_region[cut.pair_rows, cut.pair_cols] *= 1.0 - stop
            moved = cut.final_moved(t)
            if cut.reroute is not None and moved.any():
                to_region = sp.csr_matrix((moved, (np.arange(moved.size), cut.pair_cols)),
                                          shape=(moved.size, final_daily.shape[1]))
                by_region += (cut.reroute @ to_region).toarray()
    final = None
    if by_region is not None:
        y0 = final_daily.sum(axis=1)
        final = np.divide(by_region.sum(axis=1), y0, out=np.ones_like(y0), where=y0 > 0)
    return deliver, weight, tuple(sorted(delayed.items())), final, by_region


def reroute_matrix(final: np.ndarray, x0: np.ndarray, y0: np.ndarray, product: np.ndarray,
                   cut_source: np.ndarray, pair_rows: np.ndarray, pair_cols: np.ndarray) -> sp.csr_matrix | None:
    """``n × pairs``: where each cut final-demand pair's moved demand goes (columns sum to
    1, or 0 when no producer of the item is left). Candidates: producers of the same
    product outside the cut source with final demand of their own, weighted by what they
    already sell to the pair's region (by their output where none sells there)."""
    candidates = np.flatnonzero(~cut_source & (y0 > 0))
    if pair_rows.size == 0 or candidates.size == 0:
        return None
    pairs = pd.DataFrame({"pair": np.arange(pair_rows.size), "product": product[pair_rows],
                          "region": pair_cols})
    offers = pd.DataFrame({"industry": candidates, "product": product[candidates]})
    merged = pairs.merge(offers, on="product")
    if merged.empty:
        return None
    industry = merged["industry"].to_numpy()
    to_region = final[industry, merged["region"].to_numpy()]
    total = pd.Series(to_region).groupby(merged["pair"].to_numpy()).transform("sum").to_numpy()
    weight = np.where(total > 0, to_region, x0[industry])
    norm = pd.Series(weight).groupby(merged["pair"].to_numpy()).transform("sum").to_numpy()
    share = np.divide(weight, norm, out=np.zeros_like(weight), where=norm > 0)
    return sp.csr_matrix((share, (industry, merged["pair"].to_numpy())), shape=(x0.size, pair_rows.size))
