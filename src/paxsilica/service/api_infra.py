"""Read routes of ``/api/v1`` for digital infrastructure: cables and connectivity.

``GET /api/v1/connectivity`` answers what ``paxsilica infra connectivity --format json``
prints for the same options; ``GET /api/v1/cables`` pages the stored cables. Answers are
kept per data version, as the other read routes' (:mod:`paxsilica.service.api_read`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from paxsilica.model.cable import Cable
from paxsilica.requests.connectivity import MAX_IDS, ConnectivityRequest, answer_connectivity
from paxsilica.service.api_read import READ, Net, State
from paxsilica.service.queries import table_records
from paxsilica.service.responses import JSON, Paging, page, problems, table_content
from paxsilica.service.schemas import Page
from paxsilica.service.schemas_infra import ConnectivityAnswer

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["infrastructure"])


@router.get("/connectivity", operation_id="get_connectivity", dependencies=READ,
            response_model=ConnectivityAnswer, responses=problems(404),
            summary="Connectivity, as `paxsilica infra connectivity --format json`")
def connectivity_route(
    net: Net, state: State,
    country: Annotated[str, Query(max_length=100, description="ISO3 code or English name",
                                  examples=["TWN"])],
    year: Annotated[int, Query(ge=1850, le=2100, description="Cables in service in this year")],
    close: Annotated[list[str] | None, Query(max_length=MAX_IDS, description="Landing point ids to close")] = None,
    cut: Annotated[list[str] | None, Query(max_length=MAX_IDS, description="Cable ids to cut")] = None,
    concern: Annotated[str, Query(max_length=100)] = "countries_of_concern",
) -> Response:
    """A country's international submarine cables in a year (in service by then, landing in
    the country and abroad), before and after closing landing points and cutting cables:
    whether it is isolated, its landing sites, the smallest set of sites whose closure
    isolates it, each cable's owners and suppliers of concern, and the corridors its
    cables share. An unknown country, landing point or cable is a 422 naming the parameter."""
    request = ConnectivityRequest.parse(country=country, year=year, close=close, cut=cut, concern=concern,
                                        local_files=False)
    return JSON(state.answer(("connectivity", request.model_dump_json()),
                             lambda: answer_connectivity(net, request).to_dict()))


@router.get("/cables", operation_id="list_cables", dependencies=READ, response_model=Page[Cable],
            responses={**table_content(Page[Cable]), **problems()},
            summary="Stored submarine cables")
def cables_route(net: Net, state: State, paging: Annotated[Paging, Depends()]) -> Response:
    """Every stored submarine cable (bundled, or imported with ``paxsilica infra
    import-cables``): name, length, ready-for-service year, owners, suppliers, source."""
    return page(state.answer(("cables",), lambda: table_records(net.cables)), paging)
