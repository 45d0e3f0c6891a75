"""Read routes of ``/api/v1`` for issue 21's tables: telecom vendors by market country,
satellite constellations, ground stations, and primary vs secondary (recycled) supply.

Each route builds the request model the CLI builds (:mod:`paxsilica.requests.telecom`,
``ExposureRequest(secondary=True)``) and answers ``{"total", "limit", "offset",
"results"}`` (or the page as CSV) with the records ``--format json`` prints for the same
options, kept per data version. An unknown item, market or country is a 422 problem
naming the parameter; a selection without data, 404.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from paxsilica.requests.exposure import ExposureRequest, answer_exposure
from paxsilica.requests.telecom import (
    GroundStationsRequest,
    SatellitesRequest,
    VendorsRequest,
    answer_ground_stations,
    answer_satellites,
    answer_vendors,
)
from paxsilica.service.api_read import READ, DateQuery, Net, State
from paxsilica.service.queries import records
from paxsilica.service.responses import Paging, page, problems, table_content
from paxsilica.service.schemas import Page, SecondaryRow
from paxsilica.service.schemas_infra import GroundStationRow, SatelliteRow, VendorPage

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["read"])

Group = Annotated[str, Query(description="Group whose coverage to report")]
Concern = Annotated[str, Query(description="Group of countries of concern")]


@router.get("/telecom/vendors", operation_id="list_telecom_vendors", dependencies=READ,
            response_model=VendorPage, responses={**table_content(VendorPage), **problems(404)},
            summary="Vendor shares by market country, as `paxsilica telecom vendors --format json`")
def vendors_route(
    net: Net, state: State, paging: Annotated[Paging, Depends()],
    item: Annotated[str, Query(description="Equipment item id or alias")] = "ran_equipment",
    market: Annotated[str | None, Query(description="Market: ISO3, WLD or a region code",
                                        examples=["DEU"])] = None,
    measure: Annotated[Literal["revenue", "installed_base", "sites", "subscribers"] | None,
                       Query(description="What the shares count")] = None,
    year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    summary: bool = False, as_of: Annotated[str | None, DateQuery] = None,
    group: Group = "pax_silica", concern: Concern = "countries_of_concern") -> Response:
    """Vendors' shares of each market's equipment (RAN by default), each vendor's country
    and the market's share from vendors in countries of concern; ``summary`` gives one
    row per market. Each market uses its latest year on or before ``as_of``."""
    question = VendorsRequest.parse(item=item, market=market, measure=measure, year=year,
                                    summary=summary, as_of=as_of, group=group, concern=concern,
                                    local_files=False)
    rows = state.answer(("vendors", question.model_dump_json()),
                        lambda: records(answer_vendors(net, question)))
    return page(rows, paging)


@router.get("/telecom/satellites", operation_id="list_satellites", dependencies=READ,
            response_model=Page[SatelliteRow],
            responses={**table_content(Page[SatelliteRow]), **problems(404)},
            summary="Constellations by operator country, as `paxsilica telecom satellites`")
def satellites_route(
    net: Net, state: State, paging: Annotated[Paging, Depends()],
    orbit: Annotated[Literal["LEO", "MEO", "GEO", "HEO"] | None, Query()] = None,
    as_of: Annotated[str | None, DateQuery] = None,
    group: Group = "pax_silica", concern: Concern = "countries_of_concern") -> Response:
    """Satellite constellations (or those of one orbit) by operator and operator country,
    with each one's share of the satellites counted on the same basis and the share
    belonging to operators in countries of concern."""
    question = SatellitesRequest.parse(orbit=orbit, as_of=as_of, group=group, concern=concern,
                                       local_files=False)
    rows = state.answer(("satellites", question.model_dump_json()),
                        lambda: records(answer_satellites(net, question)))
    return page(rows, paging)


@router.get("/telecom/ground-stations", operation_id="list_ground_stations", dependencies=READ,
            response_model=Page[GroundStationRow],
            responses={**table_content(Page[GroundStationRow]), **problems(404)},
            summary="Ground stations by host and operator country")
def ground_stations_route(
    net: Net, state: State, paging: Annotated[Paging, Depends()],
    country: Annotated[str | None, Query(description="Host country", examples=["ARG"])] = None,
    as_of: Annotated[str | None, DateQuery] = None,
    group: Group = "pax_silica", concern: Concern = "countries_of_concern") -> Response:
    """Ground stations (in one host country, or all) with their operator's country,
    whether the operator is of concern and whether the station is open on ``as_of``."""
    question = GroundStationsRequest.parse(country=country, as_of=as_of, group=group,
                                           concern=concern, local_files=False)
    rows = state.answer(("ground_stations", question.model_dump_json()),
                        lambda: records(answer_ground_stations(net, question)))
    return page(rows, paging)


@router.get("/exposure/secondary", operation_id="get_secondary_supply", dependencies=READ,
            response_model=Page[SecondaryRow],
            responses={**table_content(Page[SecondaryRow]), **problems(404)},
            summary="Primary vs secondary supply, as `paxsilica exposure --secondary`")
def secondary_route(
    net: Net, state: State, paging: Annotated[Paging, Depends()],
    item: Annotated[str | None, Query(description="Item id or alias", examples=["copper"])] = None,
    as_of: Annotated[str | None, DateQuery] = None,
    group: Group = "pax_silica", concern: Concern = "countries_of_concern") -> Response:
    """Each item with a world secondary (recycled) share: primary and secondary shares, the
    recycled part made in countries of concern and in the group (with an upper bound
    counting the unplaced part as of concern), and the primary producers' shares."""
    question = ExposureRequest.parse(item=item, as_of=as_of, group=group, concern=concern,
                                     secondary=True, local_files=False)
    rows = state.answer(("exposure", question.model_dump_json()),
                        lambda: records(answer_exposure(net, question)))
    return page(rows, paging)
