"""Cable cuts and landing-site closures in the stress-test, with repair ships in a queue.

A ``cable_cut`` event (:class:`~paxsilica.simulate.scenario.CableCut`) cuts cables (listed,
or every cable of a corridor) and closes landing points from ``start`` to ``end`` (no
ship repairs a site). Each cut cable waits for a repair ship of its maintenance zone
(:mod:`paxsilica.simulate.cable_repair`: a first-come queue per zone, cited ships and
waits).

The cable_cut events of a run act together (:func:`compile_cable_cuts`): their cuts
share each zone's ships (one queue per zone), and each day every country's **lost share**
of international connectivity is ``1 − (cables connecting it that day) / (cables
connecting it before)`` by the pinned semantics of
:mod:`paxsilica.analytics.connectivity`, with every event's cuts and closures counted
once. The capacity of a country's industries that depend on connectivity (``items``;
data-centre service by default) falls by ``dependence × lost share`` that day (an item
named by several events takes the largest dependence), so a Taiwan landing-site closure
acts in the same run as a fab outage. The lost shares reach the result
(:func:`with_cable_cuts`: ``connectivity`` per day and country, ``cable_repairs``) and
so do warnings: a country that loses cables but has no dependent industry in the
network (its loss moves no output), and the assumptions the run rests on.

Example:
    >>> from paxsilica.store import open_store
    >>> from paxsilica.model.network import StackNetwork
    >>> net = StackNetwork.from_store(open_store(":memory:"))
    >>> plan = repair_schedule(net, [("c-lion1", 0)])
    >>> lost = connectivity_timeline(net, ["LTU", "FIN"], 2024, 20, plan)
    >>> lost.loc[[0, 11, 12], "FIN"].tolist()
    [1.0, 1.0, 0.0]
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from paxsilica.analytics.connectivity import connected_counts, corridor_cables
from paxsilica.errors import NotFoundError, RowError
from paxsilica.model.network import StackNetwork
from paxsilica.simulate.cable_repair import (
    CUT_COLUMNS,
    RepairData,
    RepairZone,
    cable_zone,
    cut_rows,
    queue_repairs,
    repair_data,
    repair_schedule,
)

__all__ = ["CableCuts", "ConnectivityTimeline", "RepairData", "RepairZone", "cable_zone",
           "compile_cable_cuts", "connectivity_timeline", "queue_repairs", "repair_data",
           "repair_schedule", "timeline", "with_cable_cuts"]


@dataclass(frozen=True, eq=False)
class ConnectivityTimeline:
    """Cables connecting each country abroad, from each day the state changes.

    ``before`` (country → cables before any cut) holds every connected country; ``days``
    are the change days (sorted, the first 0) and ``counts[k, j]`` the cables connecting
    ``countries[j]`` from ``days[k]`` until the next change."""

    countries: list[str]
    before: np.ndarray
    days: list[int]
    counts: np.ndarray

    def lost_at(self, t: int) -> np.ndarray:
        """Lost share (0–1) per country on day ``t``."""
        row = self.counts[bisect.bisect_right(self.days, t) - 1]
        return 1.0 - np.divide(row, self.before, out=np.ones(len(self.before)), where=self.before > 0)

    def lost(self, days: int) -> pd.DataFrame:
        """``days × countries`` table of lost shares."""
        shares = np.vstack([self.lost_at(day) for day in self.days])
        which = np.searchsorted(self.days, np.arange(days), side="right") - 1
        return pd.DataFrame(shares[which], columns=self.countries)


def timeline(net: StackNetwork, year: int, repairs: pd.DataFrame,
             closures: Iterable[tuple[list[str], int, int]] = ()) -> ConnectivityTimeline:
    """The :class:`ConnectivityTimeline` of every connected country: cables cut from
    ``cut_day`` until ``restored_day``; landing points of each ``(points, start, end)``
    closed on days ``start ≤ t < end``. Evaluated once per change of state."""
    closures = list(closures)
    base = connected_counts(net, year)
    changes = sorted({0, *(int(d) for d in repairs["cut_day"]), *(int(d) for d in repairs["restored_day"]),
                      *(s for _, s, _ in closures), *(e for _, _, e in closures)})
    changes = [day for day in changes if day >= 0]
    rows = []
    for start in changes:
        cut = repairs.loc[(repairs["cut_day"] <= start) & (repairs["restored_day"] > start), "cable_id"]
        closed = [p for points, s, e in closures if s <= start < e for p in points]
        after = connected_counts(net, year, close=closed, cut=list(cut)) if len(cut) or closed else base
        rows.append(after.reindex(base.index, fill_value=0).to_numpy(dtype=float))
    counts = np.vstack(rows) if rows else np.zeros((1, len(base)))
    return ConnectivityTimeline(list(base.index), base.to_numpy(dtype=float), changes or [0], counts)


def connectivity_timeline(net: StackNetwork, countries: Iterable[str], year: int, days: int,
                          repairs: pd.DataFrame,
                          closures: Iterable[tuple[list[str], int, int]] = ()) -> pd.DataFrame:
    """Lost share of each country's international cables per day (``days × countries``,
    0–1; 0 for a country no cable connects), as :func:`timeline`."""
    lost = timeline(net, year, repairs, closures).lost(days)
    return lost.reindex(columns=list(dict.fromkeys(countries)), fill_value=0.0)


@dataclass(frozen=True, eq=False)
class CableCuts:
    """The cable_cut events of a run, compiled together (see the module docstring)."""

    year: int
    repairs: pd.DataFrame
    """One row per cut: ``event`` and the columns of :func:`queue_repairs`."""
    timeline: ConnectivityTimeline
    n: int
    rows: np.ndarray
    """Industries that lose capacity with their country's connectivity."""
    column: np.ndarray
    """Their country's position in ``timeline.countries``."""
    dependence: np.ndarray
    warnings: list[str] = field(default_factory=list)

    def loss(self, t: int) -> np.ndarray | None:
        """Capacity lost per industry on day ``t`` (``None``: nothing)."""
        if self.rows.size == 0 or t < 0:
            return None
        share = self.timeline.lost_at(t)[self.column] * self.dependence
        if not share.any():
            return None
        loss = np.zeros(self.n)
        loss[self.rows] = share
        return loss

    def table(self, days: int) -> pd.DataFrame:
        """``step, country, cables, cables_connected, lost_share`` for every day and every
        country that loses a cable during the run (``cables``: before any cut)."""
        lost = self.timeline.lost(days)
        hit = [c for c in lost.columns if (lost[c] > 0).any()]
        before = dict(zip(self.timeline.countries, self.timeline.before, strict=True))
        frame = lost[hit].rename_axis("step").reset_index().melt(
            id_vars="step", var_name="country", value_name="lost_share")
        frame["cables"] = frame["country"].map(before).astype(int)
        frame["cables_connected"] = (frame["cables"] * (1 - frame["lost_share"])).round().astype(int)
        frame["lost_share"] = frame["lost_share"].round(9)  # 1 − 2/3 is 0.33333333333333337
        return frame.sort_values(["country", "step"], kind="stable").reset_index(drop=True)[
            ["step", "country", "cables", "cables_connected", "lost_share"]]


def with_cable_cuts(result: object, cuts: CableCuts | None) -> object:
    """``result`` (a :class:`~paxsilica.simulate.result.SimulationResult`) with the run's
    ``connectivity`` table, ``cable_repairs`` and the cable warnings (unchanged without
    cable cuts)."""
    if cuts is None:
        return result
    return replace(result, connectivity=cuts.table(result.days),  # type: ignore[type-var]
                   cable_repairs=cuts.repairs.copy(),
                   warnings=[*result.warnings, *cuts.warnings])  # type: ignore[attr-defined]


CableEvent = tuple[int, object, int, int, int]
"""``(index, event, start step, closure end step, default data year)`` of a cable_cut."""


def _event_problems(net: StackNetwork, sim: object, index: int, event: object, data: RepairData,
                    file: str) -> tuple[list[str], set[str], list[RowError]]:
    """The event's cables (listed and of its corridor), the industries' sectors it names,
    and its problems."""
    key, problems = f"events.{index}", []
    cables = list(event.cables)  # type: ignore[attr-defined]
    if event.corridor is not None:  # type: ignore[attr-defined]
        try:
            cables += corridor_cables(net, event.corridor)  # type: ignore[attr-defined]
        except NotFoundError as exc:
            problems.append(RowError(file, None, f"{key}.corridor", str(exc)))
    for name, values, table, column in (("cables", cables, net.cables, "cable_id"),
                                        ("landing_points", event.landing_points,  # type: ignore[attr-defined]
                                         net.landing_points, "landing_point_id")):
        known = set(table[column])
        for value in values:
            if value not in known:
                what = name[:-1].replace("_", " ")
                problems.append(RowError(file, None, f"{key}.{name}", f"unknown {what} {value!r}"))
    if event.zone is not None:  # type: ignore[attr-defined]
        try:
            data.zone(event.zone)  # type: ignore[attr-defined]
        except NotFoundError as exc:
            problems.append(RowError(file, None, f"{key}.zone", str(exc)))
    sectors = set(sim.industries["sector"].astype(str))  # type: ignore[attr-defined]
    aliases = getattr(sim, "aliases", None) or {}
    items: set[str] = set()
    for name in event.items or data.dependent_items:  # type: ignore[attr-defined]
        if name in sectors:
            items.add(name)
        elif name.lower() in aliases:
            items |= set(aliases[name.lower()])
        else:
            problems.append(RowError(file, None, f"{key}.items", f"unknown item {name!r} (not in the network)"))
    return list(dict.fromkeys(cables)), items, problems


def _shared(events: list[CableEvent], data: RepairData, net: StackNetwork,
            cables: dict[int, list[str]], file: str) -> tuple[int, dict[str, int], list[RowError]]:
    """The run's one cable data year and each zone's ships; events that disagree are errors."""
    problems: list[RowError] = []
    first_index, first, _, _, default = events[0]
    year = first.year or default  # type: ignore[attr-defined]
    fleet = {z.zone_id: z.ships for z in data.zones}
    given: dict[str, tuple[int, int]] = {}
    for index, event, _, _, _ in events:
        if event.year is not None and event.year != year:  # type: ignore[attr-defined]
            problems.append(RowError(file, None, f"events.{index}.year",
                                     f"{event.year} differs from the cable data year {year} of "  # type: ignore[attr-defined]
                                     f"events.{first_index}: a run's cable_cut events share one year"))
        if event.ships is None:  # type: ignore[attr-defined]
            continue
        zones = {event.zone} if event.zone else {cable_zone(net, c, data) for c in cables[index]}  # type: ignore[attr-defined]
        for zone in zones:
            if zone in given and given[zone][1] != event.ships:  # type: ignore[attr-defined]
                problems.append(RowError(file, None, f"events.{index}.ships",
                                         f"{event.ships} ships for zone {zone!r} differs from "  # type: ignore[attr-defined]
                                         f"events.{given[zone][0]} ({given[zone][1]}): one fleet per zone"))
            else:
                given[zone] = (index, event.ships)  # type: ignore[attr-defined]
                fleet[zone] = event.ships  # type: ignore[attr-defined]
    return int(year), fleet, problems


def compile_cable_cuts(events: list[CableEvent], sim: object, days: int,
                       file: str) -> tuple[CableCuts | None, list[RowError]]:
    """A run's ``cable_cut`` events (:data:`CableEvent` each) compiled together: one repair
    queue per zone, one lost share per country and day, the capacity it takes from the
    dependent industries of ``sim`` (a :class:`~paxsilica.simulate.network.SimNetwork`
    built from the stack, whose ``infra`` is the :class:`StackNetwork` with the cable
    tables), and the run's warnings; or the problems found (all at once)."""
    net = getattr(sim, "infra", None)
    if not isinstance(net, StackNetwork):
        return None, [RowError(file, None, f"events.{index}", "a cable_cut needs the stack network "
                               "(its cable data); this network has none") for index, *_ in events]
    data = repair_data()
    problems: list[RowError] = []
    cables: dict[int, list[str]] = {}
    named: dict[int, set[str]] = {}
    for index, event, _, _, _ in events:
        cables[index], named[index], found = _event_problems(net, sim, index, event, data, file)
        problems += found
    if problems:
        return None, problems
    year, fleet, problems = _shared(events, data, net, cables, file)
    if problems:
        return None, problems
    rows = []
    for index, event, start, _, _ in events:
        for row in cut_rows(net, [(c, start) for c in cables[index]], data,
                             zone=event.zone, wait_days=event.wait_days,  # type: ignore[attr-defined]
                             repair_days=event.repair_days):  # type: ignore[attr-defined]
            rows.append({"event": index, **row})
    repairs = queue_repairs(pd.DataFrame(rows, columns=["event", *CUT_COLUMNS]), fleet)
    closures = [(list(event.landing_points), start, end)  # type: ignore[attr-defined]
                for _, event, start, end, _ in events if event.landing_points]  # type: ignore[attr-defined]
    line = timeline(net, year, repairs, closures)
    regions = sim.industries["region"].to_numpy().astype(str)  # type: ignore[attr-defined]
    sectors = sim.industries["sector"].to_numpy().astype(str)  # type: ignore[attr-defined]
    dependence = np.zeros(len(regions))
    for index, event, *_ in events:
        level = data.dependence if event.dependence is None else event.dependence  # type: ignore[attr-defined]
        hit = np.isin(sectors, list(named[index]))
        dependence[hit] = np.maximum(dependence[hit], level)
    where = {country: j for j, country in enumerate(line.countries)}
    hit_rows = np.flatnonzero((dependence > 0) & np.isin(regions, line.countries))
    cuts = CableCuts(year, repairs, line, len(regions), hit_rows,
                     np.array([where[regions[i]] for i in hit_rows], dtype=int), dependence[hit_rows])
    return replace(cuts, warnings=_warnings(cuts, events, data, named, regions, sectors, days)), []


def _warnings(cuts: CableCuts, events: list[CableEvent], data: RepairData,
              named: dict[int, set[str]], regions: np.ndarray, sectors: np.ndarray,
              days: int) -> list[str]:
    """No silent zeros: countries whose lost cables move no output, and the assumptions."""
    lines = []
    peak = cuts.timeline.lost(days).max() if days > 0 else pd.Series(dtype=float)
    items = sorted(set().union(*named.values()))
    dependent = set(regions[np.isin(sectors, items)])
    silent = [f"{country} (up to {share:.0%})" for country, share in peak.items()
              if share > 0 and country not in dependent]
    what = ", ".join(items) or "dependent"
    if silent:
        lines.append(f"cable_cut: {', '.join(silent)} lose international cables, but the network "
                     f"has no {what} industry there: no output falls with it (see the "
                     f"connectivity table)")
    if (peak > 0).any() and not len(cuts.rows):
        lines.append("cable_cut: no industry of the network depends on the cables cut: the run's "
                     "output is unchanged by them")
    defaults = [index for index, event, *_ in events if event.dependence is None]  # type: ignore[attr-defined]
    if defaults and len(cuts.rows) and data.dependence_basis == "assumption":
        lines.append(f"cable_cut: {what} output falls by {data.dependence:g} × the lost share of "
                     f"international cables (assumption: no cited share of the service sold "
                     f"abroad; set the event's dependence)")
    overrides = {index: (event.ships, event.wait_days) for index, event, *_ in events}  # type: ignore[attr-defined]
    assumed = set()
    for index, zone in cuts.repairs[["event", "zone"]].drop_duplicates().itertuples(index=False):
        ships, wait = overrides[index]
        chosen = data.zone(zone)
        if (ships is None and chosen.basis == "assumption") or (wait is None and chosen.wait_basis == "assumption"):
            assumed.add(zone)
    if assumed:
        lines.append(f"cable_cut: repair ships or waits of zone(s) {', '.join(sorted(assumed))} are "
                     f"assumptions (simulate/cable_repair.yaml; set the event's ships and wait_days)")
    if (peak > 0).any():
        lines.append("cable_cut: connectivity is counted in cables (the data hold no capacities), "
                     "each cable the same")
    return lines
