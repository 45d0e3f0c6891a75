"""Repair ships for cut submarine cables: maintenance zones and a first-come queue.

The zones, their ships, the wait before a ship can start and the days a repair takes are
data (:file:`cable_repair.yaml`), each cited or marked an assumption:

* a cut is ready for a ship ``wait_days`` after it happens;
* the zone's ``ships`` take ready cuts first come, first served; a repair occupies a ship
  ``repair_days``; the cable is back when its repair ends (a queue when cuts outnumber
  ships).

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
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field

from paxsilica.errors import NotFoundError
from paxsilica.model.network import StackNetwork

__all__ = ["CUT_COLUMNS", "RepairData", "RepairZone", "cable_zone", "cut_rows", "queue_repairs",
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
    """Basis of the ships (reported, estimate or assumption)."""
    wait_basis: str
    """Basis of ``wait_days``."""
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


def queue_repairs(cuts: pd.DataFrame, ships: Mapping[str, int]) -> pd.DataFrame:
    """Serve the cuts of each zone with its ``ships``: first ready, first served (ties by
    cut day, then order); a repair holds a ship ``repair_days``. ``cuts`` needs
    ``cable_id, zone, cut_day, ready_day, repair_days``; adds ``repair_start``,
    ``restored_day`` and ``queued_days`` (days a ready cut waited for a free ship).

    >>> cuts = pd.DataFrame({"cable_id": ["a", "b"], "zone": ["z", "z"], "cut_day": [0, 0],
    ...                      "ready_day": [2, 2], "repair_days": [10, 10]})
    >>> queue_repairs(cuts, {"z": 1})["restored_day"].tolist()
    [12, 22]
    """
    frame = cuts.reset_index(drop=True).copy()
    starts = pd.Series(0, index=frame.index, dtype=int)
    for zone_id, group in frame.groupby("zone", sort=False):
        free = [0] * int(ships[str(zone_id)])  # the day each ship is next free
        heapq.heapify(free)
        for position in group.sort_values(["ready_day", "cut_day"], kind="stable").index:
            start = max(int(frame.at[position, "ready_day"]), heapq.heappop(free))
            starts[position] = start
            heapq.heappush(free, start + int(frame.at[position, "repair_days"]))
    frame["repair_start"] = starts
    frame["restored_day"] = starts + frame["repair_days"].astype(int)
    frame["queued_days"] = frame["repair_start"] - frame["ready_day"]
    return frame


def cut_rows(net: StackNetwork, cuts: Iterable[tuple[str, int]], data: RepairData, *,
              zone: str | None, wait_days: float | None, repair_days: float | None) -> list[dict]:
    rows = []
    duration = round(data.repair_days if repair_days is None else repair_days)
    for cable_id, day in cuts:
        chosen = data.zone(zone or cable_zone(net, cable_id, data))
        wait = chosen.wait_days if wait_days is None else wait_days
        rows.append({"cable_id": cable_id, "zone": chosen.zone_id, "cut_day": int(day),
                     "ready_day": int(day + round(wait)), "repair_days": duration})
    return rows


CUT_COLUMNS = ["cable_id", "zone", "cut_day", "ready_day", "repair_days"]


def repair_schedule(net: StackNetwork, cuts: Iterable[tuple[str, int]], *,
                    zone: str | None = None, ships: int | None = None,
                    wait_days: float | None = None, repair_days: float | None = None,
                    data: RepairData | None = None) -> pd.DataFrame:
    """When each cut cable is repaired: ``cable_id, zone, cut_day, ready_day, repair_days,
    repair_start, restored_day, queued_days`` (days from the run's start). ``zone``,
    ``ships``, ``wait_days`` and ``repair_days`` override the zone data for every cut."""
    data = data or repair_data()
    frame = pd.DataFrame(cut_rows(net, cuts, data, zone=zone, wait_days=wait_days,
                                   repair_days=repair_days), columns=CUT_COLUMNS)
    fleet = {z.zone_id: ships or z.ships for z in data.zones}
    return queue_repairs(frame, fleet)
