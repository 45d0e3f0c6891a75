"""Events of a scenario compiled to per-step :class:`~paxsilica.simulate.ario.Shocks`.

* ``capacity_loss``: BoARIO's recovery event with ``recovery_function: linear`` and the
  loss given as a share of capacity. BoARIO applies the full loss from step ``start``
  through step ``start + duration + 1`` and recovers linearly after that:
  ``Δ(t) = f · min(1, 1 − (t − 1 − start − duration)/recovery)``, 0 once it reaches 0.
  Losses of several events on one industry add up (BoARIO adds destroyed capital).
* ``export_ban``: flows (inter-industry and final demand) from exporters' industries of
  the items to importers stop. Buyers reroute the lost orders to the remaining
  suppliers of the same product over ``ramp_up`` days (``ρ(t) = min(1, (t − start)/
  ramp_up)``): the order weight of a banned link is ``1 − ρ``; rerouted orders are met
  up to the other suppliers' capacity (ARIO rationing and overproduction).
* ``licence_regime``: of the covered flows, ``share · deny_rate`` is stopped (as a ban)
  and ``share · (1 − deny_rate)`` arrives ``delay_days`` late.
* ``chokepoint_closure``: flows between two country sets lose ``severity``; the rest
  takes ``delay_days`` longer.
* ``stockpile_release``: the holder's industries that use the item receive ``rate`` per
  day until ``quantity`` is spent, shared in proportion to their steady-state use.

Country sets are ISO3 codes, group ids (resolved as of the event's start) or ``all``;
flows from a region to itself are never cut (an export ban stops exports only).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from paxsilica.errors import RowError, ValidationError
from paxsilica.simulate.ario import ARIOParams, Shocks
from paxsilica.simulate.network import SimNetwork
from paxsilica.simulate.scenario import Scenario

__all__ = ["EventSchedule", "compile_events"]

Resolver = Callable[[str, date | None], set[str] | None]
"""Names → region labels as of a day (ISO3 codes and group ids); ``None`` if unknown."""


@dataclass
class _Flow:
    start: int
    end: int
    links: np.ndarray          # Z entries (positions in H's data)
    finals: np.ndarray         # industries whose final demand is hit
    final_share: np.ndarray    # share of their final demand going to the hit regions
    stop: float
    delayed: float
    delay: int
    ramp: int
    kind: str = ""


@dataclass
class _Capacity:
    start: int
    duration: int
    recovery: int
    fraction: float
    industries: np.ndarray


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
    flows: list[_Flow] = field(default_factory=list)
    capacity: list[_Capacity] = field(default_factory=list)
    releases: list[_Release] = field(default_factory=list)
    _cache_key: tuple | None = None
    _cache: tuple | None = None

    @property
    def max_delay(self) -> int:
        """Longest delivery delay (rows of the state's pipeline)."""
        return max([f.delay for f in self.flows if f.delayed > 0] or [0])

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

    def shocks(self, t: int) -> Shocks:
        """The :class:`Shocks` of step ``t`` (link arrays reused while they do not change)."""
        key = tuple((pos, 1.0 if f.ramp == 0 else min(1.0, (t - f.start) / f.ramp))
                    for pos, f in enumerate(self.flows) if f.start <= t < f.end)
        cached = self._cache if key == self._cache_key else None
        if cached is None:
            cached = self._links(t)
            self._cache_key, self._cache = key, cached
        deliver, weight, delayed, final = cached
        inject = None
        for release in self.releases:
            amount = min(release.rate, release.quantity - release.rate * (t - release.start))
            if t >= release.start and amount > 0:
                inject = np.zeros(self.params.tech.size) if inject is None else inject
                inject[release.entries] += amount * release.weights
        return Shocks(capacity_loss=self.capacity_loss(t), deliver=deliver, weight=weight,
                      delayed=delayed, final=final, inject=inject)

    def _links(self, t: int) -> tuple:
        """Link factors of the flow events active at ``t``."""
        entries = self.params.h.nnz
        deliver = weight = final = None
        delayed: dict[int, np.ndarray] = {}
        for flow in self.flows:
            if not flow.start <= t < flow.end:
                continue
            deliver = np.ones(entries) if deliver is None else deliver
            weight = np.ones(entries) if weight is None else weight
            ramp = 1.0 if flow.ramp == 0 else min(1.0, (t - flow.start) / flow.ramp)
            deliver[flow.links] *= 1.0 - flow.stop
            weight[flow.links] *= 1.0 - flow.stop * ramp
            if flow.delayed > 0 and flow.delay > 0:
                share = delayed.setdefault(flow.delay, np.zeros(entries))
                share[flow.links] = np.minimum(share[flow.links] + flow.delayed, 1.0)
            if flow.finals.size and flow.stop > 0:
                final = np.ones(self.params.n) if final is None else final
                final[flow.finals] *= 1.0 - flow.stop * flow.final_share
        return deliver, weight, tuple(sorted(delayed.items())), final


def _as_list(value: str | list[str] | None) -> list[str]:
    return [] if value is None else [value] if isinstance(value, str) else list(value)


def compile_events(scenario: Scenario, net: SimNetwork, params: ARIOParams, *,
                   resolver: Resolver | None = None, file: str = "<scenario>") -> EventSchedule:
    """Resolve every event's names on ``net`` and build the schedule; all problems at once."""
    regions = net.industries["region"].to_numpy().astype(str)
    sectors = net.industries["sector"].to_numpy().astype(str)
    known_regions, known_sectors = set(regions), set(sectors)
    supplier = params.h.indices
    buyer = params.stock_industry[np.repeat(np.arange(params.h.shape[0]), np.diff(params.h.indptr))]
    schedule = EventSchedule(params)
    problems: list[RowError] = []
    run_end = scenario.days

    def places(names: list[str], key: str, day: date | None) -> set[str]:
        found: set[str] = set()
        for name in names:
            if name in known_regions:
                found.add(name)
                continue
            if name == "all":
                found |= known_regions | set(net.regions)
                continue
            resolved = resolver(name, day) if resolver is not None else None
            if resolved is None:
                kind = "country or group" if net.kind == "stack" else "region"
                problems.append(RowError(file, None, key, f"unknown {kind} {name!r}"))
                continue
            found |= resolved
        return found

    def goods(names: list[str], key: str) -> set[str]:
        found: set[str] = set()
        for name in names:
            if name in known_sectors:
                found.add(name)
            elif net.aliases and name.lower() in net.aliases:
                found |= set(net.aliases[name.lower()])
            else:
                kind = "item" if net.kind == "stack" else "sector"
                problems.append(RowError(file, None, key, f"unknown {kind} {name!r} (not in the network)"))
        return found

    for index, event in enumerate(scenario.events):
        key = f"events.{index}"
        start = scenario.step_of(event.start)
        day = scenario.date_of(start)
        if event.kind == "capacity_loss":
            where = places(_as_list(event.region or event.country),
                           f"{key}.{'region' if event.region else 'country'}", day)
            what = goods(_as_list(event.sector or event.item),
                         f"{key}.{'sector' if event.sector else 'item'}")
            hit = np.flatnonzero(np.isin(regions, list(where)) & np.isin(sectors, list(what)))
            if hit.size == 0 and where and what:  # as stockpile_release: a loss that hits nothing
                field = "region" if event.region else "country"
                problems.append(RowError(file, None, f"{key}.{field}",
                                         f"no industry of {_as_list(event.region or event.country)} "
                                         f"makes {_as_list(event.sector or event.item)}"))
                continue
            schedule.capacity.append(_Capacity(start, event.duration, event.recovery,
                                               event.fraction, hit))
            continue
        if event.kind == "stockpile_release":
            holders = places([event.holder], f"{key}.holder", day)
            item = goods([event.item], f"{key}.item")
            product = np.isin(sectors, list(item))[supplier]
            rows = np.unique(np.repeat(np.arange(params.h.shape[0]), np.diff(params.h.indptr))[product])
            rows = rows[np.isin(regions[params.stock_industry[rows]], list(holders))]
            if rows.size == 0 and holders and item and item <= known_sectors:
                problems.append(RowError(file, None, f"{key}.holder",
                                         f"no industry of {event.holder!r} uses {event.item!r}"))
                continue
            use = params.tech[rows] * params.x0[params.stock_industry[rows]]
            schedule.releases.append(_Release(start, event.quantity, event.rate, rows,
                                              use / use.sum() if use.sum() > 0 else use))
            continue
        end = run_end if event.end is None else scenario.step_of(event.end)
        if event.kind == "chokepoint_closure":
            side_a = places(event.between, f"{key}.between", day)
            side_b = places(event.and_, f"{key}.and", day)
            pairs = [(side_a, side_b), (side_b, side_a)] if event.both_ways else [(side_a, side_b)]
            stop, late, delay = event.severity, 1.0 - event.severity, event.delay_days
        else:
            pairs = [(places(event.exporters, f"{key}.exporters", day),
                      places(event.importers, f"{key}.importers", day))]
            if event.kind == "export_ban":
                stop, late, delay = 1.0, 0.0, 0
            else:
                stop = event.share * event.deny_rate
                late, delay = event.share * (1.0 - event.deny_rate), event.delay_days
        items = goods(event.items, f"{key}.items") if event.items else known_sectors
        links, finals, shares = [], [], []
        own = net.region_codes()
        total = net.final.sum(axis=1)
        for source, target in pairs:
            from_source = np.isin(regions, list(source)) & np.isin(sectors, list(items))
            # flows never cross from a region to itself: "all" importers exclude exporters
            abroad = own[supplier] != own[buyer]  # integer region codes: cheap per flow
            links.append(np.flatnonzero(from_source[supplier] & abroad
                                        & np.isin(regions, list(target))[buyer]))
            into = np.isin(np.asarray(net.regions), list(target)).astype(float)
            part = net.final @ into - net.final[np.arange(net.n), own] * into[own]
            share = np.divide(part, total, out=np.zeros(net.n), where=total > 0)
            hit = np.flatnonzero(from_source & (share > 0))
            finals.append(hit)
            shares.append(share[hit])
        schedule.flows.append(_Flow(start, end, np.unique(np.concatenate(links)),
                                    np.concatenate(finals), np.concatenate(shares),
                                    stop, late, delay, event.ramp_up, event.kind))
    problems += _contradictions(scenario, schedule, file)
    if problems:
        raise ValidationError(problems)
    return schedule


def _contradictions(scenario: Scenario, schedule: EventSchedule, file: str) -> list[RowError]:
    """Overlapping events that cannot both hold: capacity losses above 100 %, a licence
    regime on flows that are banned at the same time, two licence regimes on one flow."""
    problems = []
    flows = [(i, e) for i, e in enumerate(scenario.events) if e.kind in {"export_ban", "licence_regime"}]
    compiled = [f for f in schedule.flows if f.kind in {"export_ban", "licence_regime"}]
    for (a, event_a), flow_a in zip(flows, compiled, strict=True):
        for (b, event_b), flow_b in zip(flows, compiled, strict=True):
            if b <= a or "licence_regime" not in {event_a.kind, event_b.kind}:
                continue
            overlap = flow_a.start < flow_b.end and flow_b.start < flow_a.end
            if overlap and np.intersect1d(flow_a.links, flow_b.links).size:
                problems.append(RowError(file, None, f"events.{b}",
                                         f"contradicts events.{a}: a {event_b.kind} and a "
                                         f"{event_a.kind} on the same flows at the same time"))
    for t in sorted({c.start for c in schedule.capacity}):
        total = np.zeros(schedule.params.n)
        for event in schedule.capacity:
            if event.start <= t < event.start + event.duration + 1 + event.recovery:
                total[event.industries] += event.fraction
        if (total > 1.0 + 1e-9).any():
            problems.append(RowError(file, None, "events", f"capacity losses overlapping at step "
                                     f"{t} add up to {total.max():.0%} of one industry's capacity"))
    return problems
