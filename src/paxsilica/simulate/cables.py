"""Cable cuts and landing-site closures in the stress-test, with repair ships in a queue.

A ``cable_cut`` event (:class:`~paxsilica.simulate.scenario.CableCut`) cuts cables (listed,
or every cable of a corridor) and closes landing points. Each cut cable waits for a
repair ship of its maintenance zone (:file:`cable_repair.yaml`: ships per zone, the wait
before a ship can start, the days a repair takes, each cited or marked an assumption):

* a cut is ready for a ship ``wait_days`` after it happens;
* the zone's ``ships`` take ready cuts first come, first served; a repair occupies a ship
  ``repair_days``; the cable is back when its repair ends (a queue when cuts outnumber
  ships);
* closed landing points stay closed from ``start`` to ``end`` (no ship repairs a site).

Each day, every country's **lost share** of international connectivity is
``1 − (cables connecting it that day) / (cables connecting it before)`` by the pinned
semantics of :mod:`paxsilica.analytics.connectivity`. The capacity of its industries that
depend on connectivity (``items``; data-centre service by default) falls by
``dependence × lost share`` that day, so a Taiwan landing-site closure acts in the same
run as a fab outage.

Example:
    >>> from paxsilica.store import open_store
    >>> from paxsilica.model.network import StackNetwork
    >>> net = StackNetwork.from_store(open_store(":memory:"))
    >>> plan = repair_schedule(net, [("taiwan-matsu-no-2-tpkm-2", 0), ("taiwan-matsu-no-3-tpkm-3", 6)])
    >>> plan[["cable_id", "zone", "repair_start", "restored_day"]].values.tolist()
    [['taiwan-matsu-no-2-tpkm-2', 'seaiocma', 18, 28], ['taiwan-matsu-no-3-tpkm-3', 'seaiocma', 28, 38]]
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Iterable
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field

from paxsilica.analytics.connectivity import connecting_cables, corridor_cables
from paxsilica.errors import NotFoundError, RowError
from paxsilica.model.network import StackNetwork

__all__ = ["RepairData", "RepairZone", "cable_zone", "compile_cable_cut", "connectivity_timeline",
           "repair_data", "repair_schedule"]


class RepairZone(BaseModel):
    """A maintenance zone: its ships, the wait before one can start, its countries."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    zone_id: str
    name: str
    ships: int = Field(ge=1, le=100)
    wait_days: float = Field(ge=0, le=3650)
    countries: list[str]
    source: str
    source_url: str = ""
    basis: str
    note: str = ""


class RepairData(BaseModel):
    """The repair parameters of :file:`cable_repair.yaml`."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    repair_days: float = Field(gt=0, le=3650)
    repair_days_low: float = Field(gt=0)
    repair_days_high: float = Field(gt=0)
    repair_source: str
    repair_source_url: str
    repair_basis: str
    dependent_items: list[str]
    dependence: float = Field(ge=0, le=1)
    dependence_basis: str
    dependence_note: str
    world_fleet_note: str
    zones: list[RepairZone]

    def zone(self, zone_id: str) -> RepairZone:
        for zone in self.zones:
            if zone.zone_id == zone_id:
                return zone
        raise NotFoundError(f"unknown repair zone {zone_id!r} (known: "
                            f"{', '.join(z.zone_id for z in self.zones)})")


@cache
def repair_data() -> RepairData:
    """The bundled repair parameters (validated)."""
    text = resources.files("paxsilica.simulate").joinpath("cable_repair.yaml").read_text("utf-8")
    return RepairData.model_validate(yaml.safe_load(text))


def cable_zone(net: StackNetwork, cable_id: str, data: RepairData | None = None) -> str:
    """The zone holding most of the cable's landing countries (``other`` when none)."""
    data = data or repair_data()
    points = net.cable_landings.loc[net.cable_landings["cable_id"] == cable_id, "landing_point_id"]
    country = dict(zip(net.landing_points["landing_point_id"], net.landing_points["country"], strict=True))
    counts = Counter(country.get(point) for point in points)
    best, most = "other", 0
    for zone in data.zones:
        hits = sum(counts[c] for c in zone.countries)
        if hits > most:
            best, most = zone.zone_id, hits
    return best


def repair_schedule(net: StackNetwork, cuts: Iterable[tuple[str, int]], *,
                    zone: str | None = None, ships: int | None = None,
                    wait_days: float | None = None, repair_days: float | None = None,
                    data: RepairData | None = None) -> pd.DataFrame:
    """When each cut cable is repaired: ``cable_id, zone, cut_day, ready_day, repair_start,
    restored_day, queued_days`` (days from the run's start; ``queued_days`` is the time a
    ready cut waited for a free ship). ``zone``, ``ships``, ``wait_days`` and
    ``repair_days`` override the zone data for every cut."""
    data = data or repair_data()
    rows = []
    for cable_id, day in cuts:
        chosen = data.zone(zone or cable_zone(net, cable_id, data))
        wait = chosen.wait_days if wait_days is None else wait_days
        rows.append({"cable_id": cable_id, "zone": chosen.zone_id, "cut_day": int(day),
                     "ready_day": int(day + round(wait))})
    frame = pd.DataFrame(rows, columns=["cable_id", "zone", "cut_day", "ready_day"])
    duration = round(data.repair_days if repair_days is None else repair_days)
    starts = pd.Series(0, index=frame.index, dtype=int)
    for zone_id, group in frame.groupby("zone", sort=False):
        free = [0] * (ships or data.zone(str(zone_id)).ships)  # day each ship is next free
        heapq.heapify(free)
        for position in group.sort_values(["ready_day", "cut_day"], kind="stable").index:
            start = max(int(frame.at[position, "ready_day"]), heapq.heappop(free))
            starts[position] = start
            heapq.heappush(free, start + duration)
    frame["repair_start"] = starts
    frame["restored_day"] = starts + duration
    frame["queued_days"] = frame["repair_start"] - frame["ready_day"]
    return frame


def connectivity_timeline(net: StackNetwork, countries: Iterable[str], year: int, days: int,
                          repairs: pd.DataFrame,
                          closures: Iterable[tuple[list[str], int, int]] = ()) -> pd.DataFrame:
    """Lost share of each country's international cables per day (``days × countries``,
    0–1): cables cut from ``cut_day`` until ``restored_day``; landing points of each
    ``(points, start, end)`` closed on days ``start ≤ t < end``. Evaluated once per
    change of state, not per day."""
    countries = list(dict.fromkeys(countries))
    closures = list(closures)
    changes = {0, *repairs["cut_day"], *repairs["restored_day"],
               *(s for _, s, _ in closures), *(e for _, _, e in closures)}
    base = {c: len(connecting_cables(net, c, year)) for c in countries}
    lost = np.zeros((days, len(countries)))
    for start in sorted(day for day in changes if 0 <= day < days):
        cut = repairs.loc[(repairs["cut_day"] <= start) & (repairs["restored_day"] > start), "cable_id"]
        closed = [p for points, s, e in closures if s <= start < e for p in points]
        for j, country in enumerate(countries):
            left = len(connecting_cables(net, country, year, close=closed, cut=list(cut)))
            lost[start:, j] = 1.0 - left / base[country] if base[country] else 0.0
    return pd.DataFrame(lost, columns=countries)


LossProfile = Callable[[int], "np.ndarray | None"]


def compile_cable_cut(event: object, key: str, sim: object, start: int, end: int, days: int,
                      year: int, file: str) -> tuple[LossProfile | None, pd.DataFrame, list[RowError]]:
    """A ``cable_cut`` event as a daily capacity-loss profile of the simulation network's
    industries (``sim``: a :class:`~paxsilica.simulate.network.SimNetwork` built from the
    stack, whose ``infra`` is the :class:`StackNetwork` with the cable tables), the lost
    share per country and day, and the problems found (all at once)."""
    net = getattr(sim, "infra", None)
    if not isinstance(net, StackNetwork):
        return None, pd.DataFrame(), [RowError(file, None, key, "a cable_cut needs the stack "
                                               "network (its cable data); this network has none")]
    problems: list[RowError] = []
    cables = list(event.cables)  # type: ignore[attr-defined]
    if event.corridor is not None:  # type: ignore[attr-defined]
        try:
            cables += corridor_cables(net, event.corridor)  # type: ignore[attr-defined]
        except NotFoundError as exc:
            problems.append(RowError(file, None, f"{key}.corridor", str(exc)))
    for field, values, table, column in (("cables", cables, net.cables, "cable_id"),
                                         ("landing_points", event.landing_points,  # type: ignore[attr-defined]
                                          net.landing_points, "landing_point_id")):
        for value in values:
            if value not in set(table[column]):
                what = field[:-1].replace("_", " ")
                problems.append(RowError(file, None, f"{key}.{field}", f"unknown {what} {value!r}"))
    data = repair_data()
    if event.zone is not None:  # type: ignore[attr-defined]
        try:
            data.zone(event.zone)  # type: ignore[attr-defined]
        except NotFoundError as exc:
            problems.append(RowError(file, None, f"{key}.zone", str(exc)))
    regions = sim.industries["region"].to_numpy().astype(str)  # type: ignore[attr-defined]
    sectors = sim.industries["sector"].to_numpy().astype(str)  # type: ignore[attr-defined]
    items: set[str] = set()
    aliases = getattr(sim, "aliases", None) or {}
    for name in event.items or data.dependent_items:  # type: ignore[attr-defined]
        if name in set(sectors):
            items.add(name)
        elif name.lower() in aliases:
            items |= set(aliases[name.lower()])
        else:
            problems.append(RowError(file, None, f"{key}.items", f"unknown item {name!r} (not in the network)"))
    if problems:
        return None, pd.DataFrame(), problems
    repairs = repair_schedule(net, [(c, start) for c in dict.fromkeys(cables)], zone=event.zone,  # type: ignore[attr-defined]
                              ships=event.ships, wait_days=event.wait_days,  # type: ignore[attr-defined]
                              repair_days=event.repair_days, data=data)  # type: ignore[attr-defined]
    hit = np.isin(sectors, list(items))
    countries = sorted(set(regions[hit]) & set(net.landing_points["country"]))
    closures = [(list(event.landing_points), start, end)] if event.landing_points else []  # type: ignore[attr-defined]
    lost = connectivity_timeline(net, countries, year, days, repairs, closures)
    dependence = data.dependence if event.dependence is None else event.dependence  # type: ignore[attr-defined]
    column = {country: j for j, country in enumerate(countries)}
    rows = np.flatnonzero(hit & np.isin(regions, countries))
    which = np.array([column[regions[i]] for i in rows], dtype=int)
    values = lost.to_numpy()

    def profile(t: int) -> np.ndarray | None:
        if not 0 <= t < days or rows.size == 0 or not values[t].any():
            return None
        loss = np.zeros(len(regions))
        loss[rows] = dependence * values[t, which]
        return loss

    return profile, lost, []
