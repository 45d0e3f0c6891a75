"""Read routes of ``/api/v1`` for issue 21's tables: telecom vendors by market country,
satellite constellations, ground stations, and primary vs secondary (recycled) supply.

Each route builds the request model the CLI builds (:mod:`paxsilica.requests.telecom`,
``ExposureRequest(secondary=True)``) and answers ``{"total", "limit", "offset",
"results"}`` with the records ``--format json`` prints for the same options. An unknown
item, market or country is a 422 problem naming the parameter; a selection without data,
404.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from paxsilica.requests.exposure import ExposureRequest, answer_exposure
from paxsilica.requests.telecom import (
    GroundStationsRequest,
    SatellitesRequest,
    VendorsRequest,
    answer_ground_stations,
    answer_satellites,
    answer_vendors,
)
from paxsilica.service.api_read import READ, DateQuery, Net, Page
from paxsilica.service.queries import records
from paxsilica.service.responses import JSON, Paging, page

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["read"])

Group = Annotated[str, Query(description="Group whose coverage to report")]
Concern = Annotated[str, Query(description="Group of countries of concern")]


@router.get("/telecom/vendors", response_model=Page, dependencies=READ,
            summary="Vendor shares by market country, as `paxsilica telecom vendors --format json`")
def vendors_route(
    net: Net, paging: Annotated[Paging, Depends()],
    item: Annotated[str, Query(description="Equipment item id or alias")] = "ran_equipment",
    market: Annotated[str | None, Query(description="Market: ISO3, WLD or a region code",
                                        examples=["DEU"])] = None,
    measure: Annotated[Literal["revenue", "installed_base", "sites", "subscribers"] | None,
                       Query(description="What the shares count")] = None,
    year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    summary: bool = False, as_of: Annotated[str | None, DateQuery] = None,
    group: Group = "pax_silica", concern: Concern = "countries_of_concern") -> JSON:
    question = VendorsRequest.parse(item=item, market=market, measure=measure, year=year,
                                    summary=summary, as_of=as_of, group=group, concern=concern,
                                    local_files=False)
    return page(records(answer_vendors(net, question)), paging)


@router.get("/telecom/satellites", response_model=Page, dependencies=READ,
            summary="Constellations by operator country, as `paxsilica telecom satellites`")
def satellites_route(
    net: Net, paging: Annotated[Paging, Depends()],
    orbit: Annotated[Literal["LEO", "MEO", "GEO", "HEO"] | None, Query()] = None,
    as_of: Annotated[str | None, DateQuery] = None,
    group: Group = "pax_silica", concern: Concern = "countries_of_concern") -> JSON:
    question = SatellitesRequest.parse(orbit=orbit, as_of=as_of, group=group, concern=concern,
                                       local_files=False)
    return page(records(answer_satellites(net, question)), paging)


@router.get("/telecom/ground-stations", response_model=Page, dependencies=READ,
            summary="Ground stations by host and operator country")
def ground_stations_route(
    net: Net, paging: Annotated[Paging, Depends()],
    country: Annotated[str | None, Query(description="Host country", examples=["ARG"])] = None,
    as_of: Annotated[str | None, DateQuery] = None,
    group: Group = "pax_silica", concern: Concern = "countries_of_concern") -> JSON:
    question = GroundStationsRequest.parse(country=country, as_of=as_of, group=group,
                                           concern=concern, local_files=False)
    return page(records(answer_ground_stations(net, question)), paging)


@router.get("/exposure/secondary", response_model=Page, dependencies=READ,
            summary="Primary vs secondary supply, as `paxsilica exposure --secondary`")
def secondary_route(
    net: Net, paging: Annotated[Paging, Depends()],
    item: Annotated[str | None, Query(description="Item id or alias", examples=["copper"])] = None,
    as_of: Annotated[str | None, DateQuery] = None,
    group: Group = "pax_silica", concern: Concern = "countries_of_concern") -> JSON:
    question = ExposureRequest.parse(item=item, as_of=as_of, group=group, concern=concern,
                                     secondary=True, local_files=False)
    return page(records(answer_exposure(net, question)), paging)
