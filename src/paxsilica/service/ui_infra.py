"""Dashboard cables page: a member's submarine cables and landing sites on an offline map,
with landing sites to close and cables to cut (issue 21's connectivity, drawn).

The map and the zoom on the country's sites are the report's figures
(:mod:`paxsilica.report.maps`); the world outline is the vendored one the map page serves.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from paxsilica.model.country import country_name
from paxsilica.report.maps import cable_map_figure, cable_zoom_figure
from paxsilica.requests.connectivity import ConnectivityRequest, answer_cable_map, most_connected_member
from paxsilica.service.access import Principal
from paxsilica.service.pages import render, user
from paxsilica.service.queries import records
from paxsilica.service.security import get_state
from paxsilica.service.state import ServiceState

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
Country = Annotated[str | None, Query(max_length=100)]
Year = Annotated[int | None, Query(ge=1850, le=2100)]


def _infra_panel(state: ServiceState, country: str | None, year: int | None, close: list[str],
                 cut: list[str], shown: str | None) -> dict:
    """The cable map of ``country`` (default: the coalition member with the most cables) in
    ``year`` after closing ``close`` and cutting ``cut`` (kept only while the same country
    is shown: the check boxes belong to it)."""
    net = state.network()
    year = year or date.today().year
    country = country or most_connected_member(net, year) or "TWN"
    if shown and shown != country:
        close, cut = [], []
    request = ConnectivityRequest.parse(country=country, year=year, close=close, cut=cut, local_files=False)
    layout = answer_cable_map(net, request)
    world = cable_map_figure(layout, height=420)
    zoom = cable_zoom_figure(layout, height=320)
    points = layout.points.set_index("landing_point_id")
    own = layout.cables[layout.cables["connects"]]
    countries = sorted(set(net.landing_points["country"].dropna()), key=country_name)
    return {"answer": layout.answer, "who": country_name(layout.answer.country), "year": year,
            "world": world.to_json(), "zoom": zoom.to_json() if zoom is not None else None,
            "cables": records(own.drop(columns=["source_url"], errors="ignore")),
            "site_names": {p: str(points.loc[p, "name"]) for p in points.index},
            "sites": sorted(set(layout.answer.sites) | set(layout.answer.isolating_sites)),
            "unlocated": layout.unlocated_sites, "close": set(request.close), "cut": set(request.cut),
            "countries": [(code, country_name(code)) for code in countries]}


@router.get("/infra", response_class=HTMLResponse)
def infra_page(request: Request, state: ServiceState = Depends(get_state), _: Principal = user("reader"),
               country: Country = None, year: Year = None) -> HTMLResponse:
    return render(request, "infra.html.j2", **_infra_panel(state, country, year, [], [], None))


@router.get("/ui/infra", response_class=HTMLResponse)
def infra_fragment(request: Request, state: ServiceState = Depends(get_state), _: Principal = user("reader"),
                   country: Country = None, year: Year = None,
                   close: Annotated[list[str] | None, Query(max_length=200)] = None,
                   cut: Annotated[list[str] | None, Query(max_length=200)] = None,
                   shown: Country = None) -> HTMLResponse:
    return render(request, "_infra.html.j2", **_infra_panel(state, country, year, close or [], cut or [], shown))
