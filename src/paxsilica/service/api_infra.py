"""Read routes of ``/api/v1`` for digital infrastructure: cables and connectivity.

``GET /api/v1/connectivity`` answers what ``paxsilica infra connectivity --format json``
prints for the same options; ``GET /api/v1/cables`` pages the stored cables.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from paxsilica.requests.connectivity import MAX_IDS, ConnectivityRequest, answer_connectivity
from paxsilica.service.api_read import READ, Net, Page
from paxsilica.service.queries import table_records
from paxsilica.service.responses import JSON, Paging, page

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["infrastructure"])


@router.get("/connectivity", dependencies=READ,
            summary="Connectivity, as `paxsilica infra connectivity --format json`")
def connectivity_route(
    net: Net,
    country: Annotated[str, Query(max_length=100, description="ISO3 code or English name",
                                  examples=["TWN"])],
    year: Annotated[int, Query(ge=1850, le=2100, description="Cables in service in this year")],
    close: Annotated[list[str] | None, Query(max_length=MAX_IDS, description="Landing point ids to close")] = None,
    cut: Annotated[list[str] | None, Query(max_length=MAX_IDS, description="Cable ids to cut")] = None,
    concern: Annotated[str, Query(max_length=100)] = "countries_of_concern",
) -> JSON:
    request = ConnectivityRequest.parse(country=country, year=year, close=close, cut=cut, concern=concern,
                                        local_files=False)
    return JSON(answer_connectivity(net, request).to_dict())


@router.get("/cables", response_model=Page, dependencies=READ, summary="Stored submarine cables")
def cables_route(net: Net, paging: Annotated[Paging, Depends()]) -> JSON:
    return page(table_records(net.cables), paging)

