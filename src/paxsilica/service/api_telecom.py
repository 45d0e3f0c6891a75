"""Read routes of ``/api/v1`` for issue 21's tables: telecom vendors by market country,
satellite constellations, ground stations, and primary vs secondary (recycled) supply.

Each answers ``{"total", "limit", "offset", "results"}`` with the records the CLI prints
with ``--format json`` for the same options (``paxsilica telecom vendors|satellites|
ground-stations``, ``paxsilica exposure --secondary``). An unknown item, market or country
is a 422 problem naming the parameter; a selection without data, 404.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from paxsilica.analytics.secondary import supply_by_type
from paxsilica.analytics.space import constellation_exposure, ground_station_exposure
from paxsilica.analytics.vendors import vendor_exposure, vendor_exposure_summary
from paxsilica.errors import NotFoundError
from paxsilica.model.country import resolve_country
from paxsilica.service.api_read import READ, DateQuery, Net, Page
from paxsilica.service.problems import ProblemError
from paxsilica.service.queries import check_names, records
from paxsilica.service.responses import JSON, Paging, page

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["read"])

Group = Annotated[str, Query(description="Group whose coverage to report")]
Concern = Annotated[str, Query(description="Group of countries of concern")]


def _check_country(parameter: str, value: str | None) -> None:
    if value is None:
        return
    try:
        resolve_country(value)
    except KeyError as exc:
        raise ProblemError(422, str(exc.args[0]), parameter) from None


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
    check_names(net, item=item, group=group, concern=concern, as_of=as_of)
    _check_country("market", market)
    function = vendor_exposure_summary if summary else vendor_exposure
    table = function(net, item=item, market=market, measure=measure, year=year, group=group,
                     concern=concern, as_of=as_of)
    return page(records(table), paging)


@router.get("/telecom/satellites", response_model=Page, dependencies=READ,
            summary="Constellations by operator country, as `paxsilica telecom satellites`")
def satellites_route(
    net: Net, paging: Annotated[Paging, Depends()],
    orbit: Annotated[Literal["LEO", "MEO", "GEO", "HEO"] | None, Query()] = None,
    as_of: Annotated[str | None, DateQuery] = None,
    group: Group = "pax_silica", concern: Concern = "countries_of_concern") -> JSON:
    check_names(net, group=group, concern=concern, as_of=as_of)
    table = constellation_exposure(net, orbit=orbit, group=group, concern=concern, as_of=as_of)
    return page(records(table), paging)


@router.get("/telecom/ground-stations", response_model=Page, dependencies=READ,
            summary="Ground stations by host and operator country")
def ground_stations_route(
    net: Net, paging: Annotated[Paging, Depends()],
    country: Annotated[str | None, Query(description="Host country", examples=["ARG"])] = None,
    as_of: Annotated[str | None, DateQuery] = None,
    group: Group = "pax_silica", concern: Concern = "countries_of_concern") -> JSON:
    check_names(net, group=group, concern=concern, as_of=as_of)
    _check_country("country", country)
    table = ground_station_exposure(net, country=country, group=group, concern=concern,
                                    as_of=as_of)
    return page(records(table), paging)


@router.get("/exposure/secondary", response_model=Page, dependencies=READ,
            summary="Primary vs secondary supply, as `paxsilica exposure --secondary`")
def secondary_route(
    net: Net, paging: Annotated[Paging, Depends()],
    item: Annotated[str | None, Query(description="Item id or alias", examples=["copper"])] = None,
    as_of: Annotated[str | None, DateQuery] = None,
    group: Group = "pax_silica", concern: Concern = "countries_of_concern") -> JSON:
    check_names(net, item=item, group=group, concern=concern, as_of=as_of)
    try:
        table = supply_by_type(net, item=item, group=group, concern=concern, as_of=as_of)
    except NotFoundError as exc:
        raise ProblemError(404, str(exc)) from None
    return page(records(table), paging)
