"""Where a country's submarine cables land and run, with their concern status, for maps.

:func:`cable_map` answers :func:`~paxsilica.analytics.connectivity.connectivity` for one
country and year and lays it out as three tables a map draws: the landing points (with
position when cited, whether they land a cable of concern, whether they belong to the
smallest set of sites whose closure isolates the country), the cables in service (whether
an owner or supplier is a company of concern, whether they connect the country), and each
cable's segments. The data hold no cable routes: a cable is drawn as the shortest tree
joining its located landings along great circles (a minimum spanning tree), a schematic.

Example:
    >>> from paxsilica.store import open_store
    >>> from paxsilica.model.network import StackNetwork
    >>> layout = cable_map(StackNetwork.from_store(open_store(":memory:")), "LTU", 2024)
    >>> layout.points.set_index("landing_point_id").loc["sventoji-lithuania", ["home", "isolating"]].tolist()
    [True, True]
    >>> len(layout.segments[layout.segments["cable_id"] == "c-lion1"])  # three landings, two legs
    2
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from scipy.sparse.csgraph import minimum_spanning_tree

from paxsilica.analytics.connectivity import Connectivity, cables_of_concern, connectivity, in_service
from paxsilica.model.network import StackNetwork

__all__ = ["CableMap", "cable_map", "cable_segments", "connectivity_overview", "great_circle_km"]

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG), km."""


def great_circle_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Great-circle distance in km between points given in degrees (haversine formula).

    >>> round(float(great_circle_km(np.array(0.0), np.array(0.0), np.array(0.0), np.array(180.0))))
    20015
    """
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    dphi, dlam = phi2 - phi1, np.radians(lon2 - lon1)
    h = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def cable_segments(net: StackNetwork, cables: Iterable[str]) -> pd.DataFrame:
    """``cable_id, from_id, to_id, lat0, lon0, lat1, lon1, km``: for each cable, the legs of
    the shortest tree joining its located landing points (great-circle lengths); a cable
    with fewer than two located landings has none."""
    points = net.landing_points.dropna(subset=["lat", "lon"])
    where = {p: (float(a), float(o)) for p, a, o in points[["landing_point_id", "lat", "lon"]].itertuples(index=False)}
    links = net.cable_landings[net.cable_landings["cable_id"].isin(set(cables))
                               & net.cable_landings["landing_point_id"].isin(set(where))]
    rows = []
    for cable, group in links.groupby("cable_id", sort=True):
        ids = list(dict.fromkeys(group["landing_point_id"]))
        if len(ids) < 2:
            continue
        lat = np.array([where[p][0] for p in ids])
        lon = np.array([where[p][1] for p in ids])
        km = great_circle_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
        # co-located landings are joined too (a tiny positive length keeps the edge)
        tree = minimum_spanning_tree(np.where(km > 0, km, 1e-9) * ~np.eye(len(ids), dtype=bool)).tocoo()
        for i, j in zip(tree.row, tree.col, strict=True):
            rows.append({"cable_id": cable, "from_id": ids[i], "to_id": ids[j], "lat0": lat[i],
                         "lon0": lon[i], "lat1": lat[j], "lon1": lon[j], "km": float(km[i, j])})
    return pd.DataFrame(rows, columns=["cable_id", "from_id", "to_id", "lat0", "lon0", "lat1", "lon1", "km"])


@dataclass(frozen=True)
class CableMap:
    """The tables of :func:`cable_map`, and the connectivity answer they show."""

    answer: Connectivity
    points: pd.DataFrame
    """``landing_point_id, name, country, lat, lon, located, home, of_concern, isolating,
    closed`` for the landing points of the cables in service (and the country's sites)."""
    cables: pd.DataFrame
    """``cable_id, name, rfs_year, source, source_url, confidence, connects, connects_after,
    cut, of_concern, owners_of_concern, suppliers_of_concern, located_landings, landings``
    per cable in service."""
    segments: pd.DataFrame
    """:func:`cable_segments` of those cables."""

    @property
    def unlocated_sites(self) -> list[str]:
        """The country's landing sites (of its connecting cables) without a cited position:
        they count in every figure but cannot be drawn."""
        unlocated = set(self.points.loc[~self.points["located"], "landing_point_id"])
        return sorted(set(self.answer.sites) & unlocated)


def cable_map(net: StackNetwork, country: str, year: int, *, close: Iterable[str] = (),
              cut: Iterable[str] = (), concern: str = "countries_of_concern",
              as_of: date | str | None = None) -> CableMap:
    """Landing points, cables in service in ``year`` and their segments, flagged for
    ``country`` (after closing ``close`` and cutting ``cut``; see
    :func:`~paxsilica.analytics.connectivity.connectivity`, which raises the same errors).

    A landing point is ``of_concern`` when it lands a cable in service with an owner or a
    supplier of concern; ``isolating`` when it is in the smallest isolating site set of
    the country before the closures and cuts.
    """
    answer = connectivity(net, country, year, close=close, cut=cut, concern=concern, as_of=as_of)
    live = in_service(net, year)
    flagged = cables_of_concern(net, concern, as_of)
    cited = [c for c in ("source", "source_url", "confidence") if c in net.cables]
    cables = net.cables[net.cables["cable_id"].isin(live)][["cable_id", "name", "rfs_year", *cited]].merge(
        flagged, on="cable_id", how="left")
    points = net.landing_points[["landing_point_id", "name", "country", "lat", "lon"]]
    links = net.cable_landings[net.cable_landings["cable_id"].isin(live)][["cable_id", "landing_point_id"]]
    located = set(points.loc[points["lat"].notna() & points["lon"].notna(), "landing_point_id"])
    counts = links.assign(located=links["landing_point_id"].isin(located)).groupby("cable_id")["located"]
    cables = cables.assign(
        connects=cables["cable_id"].isin(answer.cables),
        connects_after=cables["cable_id"].isin(answer.cables_after),
        cut=cables["cable_id"].isin(answer.cut),
        located_landings=cables["cable_id"].map(counts.sum()).fillna(0).astype(int),
        landings=cables["cable_id"].map(counts.size()).fillna(0).astype(int))
    concern_ids = set(cables.loc[cables["of_concern"], "cable_id"])
    shown = set(links["landing_point_id"]) | set(answer.sites)
    points = points[points["landing_point_id"].isin(shown)].reset_index(drop=True)
    of_concern = set(links.loc[links["cable_id"].isin(concern_ids), "landing_point_id"])
    points = points.assign(
        located=points["landing_point_id"].isin(located), home=points["country"] == answer.country,
        of_concern=points["landing_point_id"].isin(of_concern),
        isolating=points["landing_point_id"].isin(answer.isolating_sites),
        closed=points["landing_point_id"].isin(answer.closed))
    cables = cables.sort_values(["connects", "cable_id"], ascending=[False, True]).reset_index(drop=True)
    return CableMap(answer, points, cables, cable_segments(net, cables["cable_id"]))


def connectivity_overview(net: StackNetwork, countries: Iterable[str], year: int, *,
                          concern: str = "countries_of_concern",
                          as_of: date | str | None = None) -> pd.DataFrame:
    """Per country: ``country, cables`` (connecting it abroad in ``year``), ``landing_sites``,
    ``isolating_sites`` (size of the smallest set whose closure isolates it),
    ``cables_of_concern`` (with an owner or supplier of concern) and their ``concern_share``,
    ``unlocated_sites`` (sites without a cited position); most cables first.

    >>> from paxsilica.store import open_store
    >>> net = StackNetwork.from_store(open_store(":memory:"))
    >>> connectivity_overview(net, ["LTU", "KEN"], 2024)[["country", "cables", "isolating_sites"]].values.tolist()
    [['KEN', 1, 1], ['LTU', 1, 1]]
    """
    from paxsilica.analytics.connectivity import connecting_cables, minimum_isolating_sites

    flagged = set(cables_of_concern(net, concern, as_of).query("of_concern")["cable_id"])
    located = set(net.landing_points.dropna(subset=["lat", "lon"])["landing_point_id"])
    where = dict(zip(net.landing_points["landing_point_id"], net.landing_points["country"], strict=True))
    rows = []
    for code in dict.fromkeys(countries):
        cables = connecting_cables(net, code, year)
        links = net.cable_landings[net.cable_landings["cable_id"].isin(cables)]
        sites = sorted({p for p in links["landing_point_id"] if where.get(p) == code})
        of_concern = len(set(cables) & flagged)
        rows.append({"country": code, "cables": len(cables), "landing_sites": len(sites),
                     "isolating_sites": len(minimum_isolating_sites(net, code, year)) if cables else 0,
                     "cables_of_concern": of_concern,
                     "concern_share": of_concern / len(cables) if cables else 0.0,
                     "unlocated_sites": sum(1 for p in sites if p not in located)})
    frame = pd.DataFrame(rows, columns=["country", "cables", "landing_sites", "isolating_sites",
                                        "cables_of_concern", "concern_share", "unlocated_sites"])
    return frame.sort_values(["cables", "country"], ascending=[False, True]).reset_index(drop=True)
