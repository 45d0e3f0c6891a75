"""Events of a scenario compiled to per-step :class:`~paxsilica.simulate.ario.Shocks`.

* ``capacity_loss``: BoARIO's recovery event with ``recovery_function: linear`` and the
  loss given as a share of capacity. BoARIO applies the full loss from step ``start``
  through step ``start + duration + 1`` and recovers linearly after that:
  ``Δ(t) = f · min(1, 1 − (t − 1 − start − duration)/recovery)``, 0 once it reaches 0.
  Losses of several events on one industry add up (BoARIO adds destroyed capital).
* ``export_ban``: flows (inter-industry and final demand) from exporters' industries of
  the items to importers stop;
* ``licence_regime``: delay, then denial — the covered share of the flows stops while
  licences are processed (``delay_days``), then ``share · deny_rate`` stays stopped;
* ``chokepoint_closure``: flows between two country sets lose ``severity``; the rest
  takes ``delay_days`` longer.
  For these three, buyers move what they cannot count on to the other suppliers of the
  item, up to its substitutable share, once its qualification time has passed
  (:mod:`paxsilica.simulate.flows`; per-item values from the network's ``sectors``
  table, overridable per event).
* ``stockpile_release``: the holder's industries that use the item receive ``rate`` per
  day until ``quantity`` is spent, shared in proportion to their steady-state use.

Country sets are ISO3 codes, group ids (resolved as of the event's start) or ``all``;
flows from a region to itself are never cut (an export ban stops exports only), nor are
flows of items that are not traded across borders (electricity, data-centre service):
an event naming such an item is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from paxsilica.errors import RowError, ValidationError
from paxsilica.simulate.ario import ARIOParams, ARIOState, Shocks
from paxsilica.simulate.capital import CapitalFleet
from paxsilica.simulate.flows import FlowCut, flow_factors, reroute_matrix
from paxsilica.simulate.network import SimNetwork
from paxsilica.simulate.scenario import Scenario
from paxsilica.simulate.sectors import rerouting, sector_flags

__all__ = ["EventSchedule", "compile_events"]

Resolver = Callable[[str, date | None], set[str] | None]
"""Names → region labels as of a day (ISO3 codes and group ids); ``None`` if unknown."""

NOT_TRADED = "is not traded across borders (sourced in the buyer's own country only)"


@dataclass
class _Capacity:
    start: int
    duration: int
    recovery: int
    fraction: float
    industries: np.ndarray
    index: int = -1


@dataclass
class _Release:
    start: int
    quantity: float
    rate: float
    entries: np.ndarray
    weights: np.ndarray


@dataclass
class EventSchedule:
    """Compiled events; :meth:`shocks` gives the inputs of one step."""

    params: ARIOParams
    final_daily: np.ndarray
    flows: list[FlowCut] = field(default_factory=list)
    capacity: list[_Capacity] = field(default_factory=list)
    releases: list[_Release] = field(default_factory=list)
    fleet: CapitalFleet | None = None
    notes: list[str] = field(default_factory=list)
    _cache_key: tuple | None = None
    _cache: tuple | None = None

    @property
    def max_delay(self) -> int:
        """Longest delivery delay (rows of the state's pipeline)."""
        return max([f.delay for f in self.flows if f.late > 0] or [0])

    def capacity_loss(self, t: int) -> np.ndarray | None:
        """Δ(t) per industry (BoARIO's linear recovery timeline)."""
        if not self.capacity:
            return None
        loss = np.zeros(self.params.n)
        for event in self.capacity:
            if t < event.start:
                continue
            elapsed = t - 1 - event.start - event.duration
            level = event.fraction * min(1.0, max(0.0, 1.0 - elapsed / event.recovery))
            loss[event.industries] += level
        return np.minimum(loss, 1.0) if loss.any() else None

    def _factors(self, t: int) -> tuple:
        key = tuple(cut.key(t) for cut in self.flows if cut.active(t))
        if key != self._cache_key or self._cache is None:
            self._cache = flow_factors(self.flows, t, self.params.h.nnz, self.final_daily)
            self._cache_key = key
        return self._cache

    def final_by_region(self, t: int) -> np.ndarray:
        """Daily final demand by industry and destination region at ``t`` (``n × R``)."""
        by_region = self._factors(t)[4]
        return self.final_daily if by_region is None else by_region

    def shocks(self, t: int, state: ARIOState | None = None) -> Shocks:
        """The :class:`Shocks` of step ``t`` (link arrays reused while they do not change);
        with ``state``, capital fleets short of their baseline cap output (the hook of
        :mod:`paxsilica.simulate.capital`)."""
        deliver, weight, delayed, final, _ = self._factors(t)
        inject = None
        for release in self.releases:
            amount = min(release.rate, release.quantity - release.rate * (t - release.start))
            if t >= release.start and amount > 0:
                inject = np.zeros(self.params.tech.size) if inject is None else inject
                inject[release.entries] += amount * release.weights
        cap = None if self.fleet is None or state is None else self.fleet.output_cap(state, self.params)
        return Shocks(capacity_loss=self.capacity_loss(t), deliver=deliver, weight=weight,
                      delayed=delayed, final=final, inject=inject, output_cap=cap)


def _as_list(value: str | list[str] | None) -> list[str]:
    return [] if value is None else [value] if isinstance(value, str) else list(value)


class _Names:
    """Resolves an event's country and item names on one network, collecting problems."""

    def __init__(self, net: SimNetwork, resolver: Resolver | None, file: str) -> None:
        self.net, self.resolver, self.file = net, resolver, file
        self.regions = net.industries["region"].to_numpy().astype(str)
        self.sectors = net.industries["sector"].to_numpy().astype(str)
        # regions with industries, and regions that only buy (final demand)
        self.known_regions = set(self.regions) | {str(r) for r in net.regions}
        self.known_sectors = set(self.sectors)
        self.problems: list[RowError] = []

    def places(self, names: list[str], key: str, day: date | None) -> set[str]:
        found: set[str] = set()
        for name in names:
            if name in self.known_regions:
                found.add(name)
            elif name == "all":
                found |= self.known_regions
            elif (resolved := self.resolver(name, day) if self.resolver else None) is not None:
                found |= resolved
            else:
                kind = "country or group" if self.net.kind == "stack" else "region"
                self.problems.append(RowError(self.file, None, key, f"unknown {kind} {name!r}"))
        return found

    def goods(self, names: list[str], key: str) -> set[str]:
        found: set[str] = set()
        for name in names:
            if name in self.known_sectors:
                found.add(name)
            elif self.net.aliases and name.lower() in self.net.aliases:
                found |= set(self.net.aliases[name.lower()])
            else:
                kind = "item" if self.net.kind == "stack" else "sector"
                self.problems.append(RowError(self.file, None, key,
                                              f"unknown {kind} {name!r} (not in the network)"))
        return found


def compile_events(scenario: Scenario, net: SimNetwork, params: ARIOParams, *,
                   resolver: Resolver | None = None, file: str = "<scenario>") -> EventSchedule:
    """Resolve every event's names on ``net`` and build the schedule; all problems at once."""
    names = _Names(net, resolver, file)
    regions, sectors = names.regions, names.sectors
    supplier = params.h.indices
    rows = np.repeat(np.arange(params.h.shape[0]), np.diff(params.h.indptr))
    buyer = params.stock_industry[rows]
    traded = sector_flags(net, "tradable", True)
    own = net.region_codes()
    product, _ = net.products()
    schedule = EventSchedule(params, net.final / 365.0)
    for index, event in enumerate(scenario.events):
        key = f"events.{index}"
        start = scenario.step_of(event.start)
        day = scenario.date_of(start)
        if event.kind == "capacity_loss":
            where = names.places(_as_list(event.region or event.country),
                                 f"{key}.{'region' if event.region else 'country'}", day)
            what = names.goods(_as_list(event.sector or event.item),
                               f"{key}.{'sector' if event.sector else 'item'}")
            hit = np.flatnonzero(np.isin(regions, list(where)) & np.isin(sectors, list(what)))
            if hit.size == 0 and where and what:  # as stockpile_release: a loss that hits nothing
                field = "region" if event.region else "country"
                names.problems.append(RowError(file, None, f"{key}.{field}",
                                               f"no industry of {_as_list(event.region or event.country)} "
                                               f"makes {_as_list(event.sector or event.item)}"))
                continue
            schedule.capacity.append(_Capacity(start, event.duration, event.recovery,
                                               event.fraction, hit, index))
            continue
        if event.kind == "stockpile_release":
            holders = names.places([event.holder], f"{key}.holder", day)
            item = names.goods([event.item], f"{key}.item")
            entries = np.unique(rows[np.isin(sectors, list(item))[supplier]])
            entries = entries[np.isin(regions[params.stock_industry[entries]], list(holders))]
            if entries.size == 0 and holders and item and item <= names.known_sectors:
                names.problems.append(RowError(file, None, f"{key}.holder",
                                               f"no industry of {event.holder!r} uses {event.item!r}"))
                continue
            use = params.tech[entries] * params.x0[params.stock_industry[entries]]
            schedule.releases.append(_Release(start, event.quantity, event.rate, entries,
                                              use / use.sum() if use.sum() > 0 else use))
            continue
        end = scenario.days if event.end is None else scenario.step_of(event.end)
        if event.kind == "chokepoint_closure":
            side_a = names.places(event.between, f"{key}.between", day)
            side_b = names.places(event.and_, f"{key}.and", day)
            pairs = [(side_a, side_b), (side_b, side_a)] if event.both_ways else [(side_a, side_b)]
            stop, late, delay = event.severity, 1.0 - event.severity, event.delay_days
        else:
            pairs = [(names.places(event.exporters, f"{key}.exporters", day),
                      names.places(event.importers, f"{key}.importers", day))]
            if event.kind == "export_ban":
                stop, late, delay = 1.0, 0.0, 0
            else:  # delay, then denial: all covered flows wait, then deny_rate stays stopped
                stop, late, delay = event.share, 0.0, 0
                if event.delay_days == 0:
                    stop = event.share * event.deny_rate
        if event.items:
            items = names.goods(event.items, f"{key}.items")
            for item in sorted(items - traded):
                names.problems.append(RowError(file, None, f"{key}.items", f"{item!r} {NOT_TRADED}"))
            items &= traded
        else:
            items = names.known_sectors & traded
        qualify, ramp, movable = rerouting(net, qualification_days=event.qualification_days,
                                           ramp_up=event.ramp_up,
                                           substitutable_share=event.substitutable_share,
                                           scale=scenario.model.qualification_scale)
        links, pair_rows, pair_cols = [], [], []
        cut_source = np.zeros(net.n, dtype=bool)
        for source, target in pairs:
            from_source = np.isin(regions, list(source)) & np.isin(sectors, list(items))
            cut_source |= from_source
            # flows never cross from a region to itself: "all" importers exclude exporters
            links.append(np.flatnonzero(from_source[supplier] & (own[supplier] != own[buyer])
                                        & np.isin(regions, list(target))[buyer]))
            into = np.isin(np.asarray(net.regions), list(target))
            hit_rows, hit_cols = np.nonzero(net.final[from_source][:, into] > 0)
            industry = np.flatnonzero(from_source)[hit_rows]
            column = np.flatnonzero(into)[hit_cols]
            keep = column != own[industry]
            pair_rows.append(industry[keep])
            pair_cols.append(column[keep])
        links_all = np.unique(np.concatenate(links))
        rows_all, cols_all = np.concatenate(pair_rows), np.concatenate(pair_cols)
        if rows_all.size:  # each (industry, region) pair once, though a closure names both ways
            unique = np.unique(np.c_[rows_all, cols_all], axis=0)
            rows_all, cols_all = unique[:, 0].astype(np.int64), unique[:, 1].astype(np.int64)
        cut = FlowCut(index, event.kind, start, end, links_all, stop, late, delay,
                      qualify[supplier[links_all]], ramp[supplier[links_all]],
                      movable[supplier[links_all]], rows_all, cols_all,
                      net.final[rows_all, cols_all] / 365.0, qualify[rows_all], ramp[rows_all],
                      movable[rows_all])
        if event.kind == "licence_regime" and event.delay_days > 0:
            cut.stop_after, cut.switch = event.share * event.deny_rate, start + event.delay_days
        if (stop > 0 or cut.stop_after) and rows_all.size:
            cut.reroute = reroute_matrix(net.final, params.x0, params.y0, product, cut_source,
                                         rows_all, cols_all)
        schedule.flows.append(cut)
    problems = names.problems + _contradictions(scenario, schedule, file)
    if problems:
        raise ValidationError(problems)
    return schedule


def _contradictions(scenario: Scenario, schedule: EventSchedule, file: str) -> list[RowError]:
    """Overlapping events that cannot both hold: capacity losses above 100 %, a licence
    regime on flows that are banned at the same time, two licence regimes on one flow."""
    problems = []
    compiled = [f for f in schedule.flows if f.kind in {"export_ban", "licence_regime"}]
    for flow_a in compiled:
        for flow_b in compiled:
            if flow_b.index <= flow_a.index or "licence_regime" not in {flow_a.kind, flow_b.kind}:
                continue
            overlap = flow_a.start < flow_b.end and flow_b.start < flow_a.end
            if overlap and np.intersect1d(flow_a.links, flow_b.links).size:
                problems.append(RowError(file, None, f"events.{flow_b.index}",
                                         f"contradicts events.{flow_a.index}: a {flow_b.kind} and a "
                                         f"{flow_a.kind} on the same flows at the same time"))
    for t in sorted({c.start for c in schedule.capacity}):
        total = np.zeros(schedule.params.n)
        for event in schedule.capacity:
            if event.start <= t < event.start + event.duration + 1 + event.recovery:
                total[event.industries] += event.fraction
        if (total > 1.0 + 1e-9).any():
            problems.append(RowError(file, None, "events", f"capacity losses overlapping at step "
                                     f"{t} add up to {total.max():.0%} of one industry's capacity"))
    return problems
