"""Read routes of ``/api/v1``: exposure and the network's tables, paginated.

Every list answers ``{"total", "limit", "offset", "results"}``; ``results`` are the
records the CLI prints with ``--format json`` for the same options.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from paxsilica.model.network import StackNetwork
from paxsilica.requests.base import check_names, parse_day
from paxsilica.requests.chokepoints import ChokepointsRequest, answer_chokepoints
from paxsilica.requests.exposure import ExposureRequest, Tiers, answer_exposure
from paxsilica.service import queries
from paxsilica.service.responses import JSON, Paging, page
from paxsilica.service.security import charge, get_state, rate_limited, require
from paxsilica.service.state import ServiceState

__all__ = ["Page", "router"]

router = APIRouter(prefix="/api/v1", tags=["read"])
READ = [Depends(require("reader"))]


class Page(BaseModel):
    """One page of a list."""

    total: int = Field(description="Rows in the whole list", examples=[345])
    limit: int = Field(examples=[100])
    offset: int = Field(examples=[0])
    results: list[dict] = Field(description="The rows of this page, as the CLI's --format json")


def network(state: ServiceState = Depends(get_state)) -> StackNetwork:
    return state.network()


Net = Annotated[StackNetwork, Depends(network)]
DateQuery = Query(description="Date YYYY-MM-DD (default today)", examples=["2026-01-01"],
                  pattern=r"^\d{4}-\d{2}-\d{2}$")


@router.get("/exposure", response_model=Page, dependencies=READ,
            summary="Exposure, as `paxsilica exposure --format json`")
def exposure_route(
    request: Request, net: Net, paging: Annotated[Paging, Depends()],
    item: Annotated[str | None, Query(description="Item id or alias", examples=["gallium"])] = None,
    stage: Annotated[str | None, Query(description="Stage id", examples=["refining"])] = None,
    year: Annotated[int | None, Query(ge=1900, le=2200, description="Only this data year")] = None,
    as_of: Annotated[str | None, DateQuery] = None,
    group: Annotated[str, Query(description="Group whose coverage to report")] = "pax_silica",
    concern: Annotated[str, Query(description="Group of countries of concern")] = "countries_of_concern",
    tiers: Annotated[Literal["direct", "all"], Query(description="direct shares or all tiers")] = "direct",
    latest: bool = False, summary: bool = False,
    compare: Annotated[str | None, Query(description="Coverage change from this date to as_of",
                                         pattern=r"^\d{4}-\d{2}-\d{2}$")] = None,
    mode: Annotated[Literal["essential", "weighted"] | None, Query(description="tiers=all only")] = None,
    by_country: bool = False) -> JSON:
    question = ExposureRequest.parse(
        item=item, stage=stage, year=year, as_of=as_of, group=group, concern=concern,
        tiers=tiers, latest=latest, summary=summary, compare=compare, mode=mode,
        by_country=by_country, local_files=False)
    if question.tiers is Tiers.all:  # all tiers builds the sourcing network: an expensive request
        charge(request, request.state.principal)
    return page(queries.records(answer_exposure(net, question)), paging)


@router.get("/items", response_model=Page, dependencies=READ, summary="Items of the catalogue")
def items_route(net: Net, paging: Annotated[Paging, Depends()],
                stage: Annotated[str | None, Query(examples=["mine"])] = None) -> JSON:
    check_names(net, stage=stage)
    items = net.items if stage is None else net.items[net.items["stage"] == stage]
    return page(queries.table_records(items), paging)


@router.get("/countries", response_model=Page, dependencies=READ,
            summary="Countries and regions, with their groups")
def countries_route(net: Net, paging: Annotated[Paging, Depends()],
                    as_of: Annotated[str | None, DateQuery] = None) -> JSON:
    return page(queries.country_records(net, parse_day(as_of, "as_of")), paging)


@router.get("/groups", response_model=Page, dependencies=READ, summary="Groups of countries")
def groups_route(net: Net, paging: Annotated[Paging, Depends()]) -> JSON:
    return page(queries.table_records(net.groups), paging)


@router.get("/memberships", response_model=Page, dependencies=READ, summary="Membership events of groups")
def memberships_route(net: Net, paging: Annotated[Paging, Depends()],
                      group: Annotated[str | None, Query(examples=["pax_silica"])] = None) -> JSON:
    check_names(net, group=group)
    rows = net.memberships if group is None else net.membership_events(group)
    return page(queries.table_records(rows), paging)


@router.get("/sources", response_model=Page, dependencies=READ, summary="Cited sources behind the data")
def sources_route(net: Net, paging: Annotated[Paging, Depends()]) -> JSON:
    return page(queries.source_records(net), paging)


@router.get("/chokepoints", response_model=Page, dependencies=[Depends(rate_limited("reader"))],
            summary="Chokepoints, as `paxsilica chokepoints --format json`")
def chokepoints_route(
    net: Net, paging: Annotated[Paging, Depends()],
    item: Annotated[list[str] | None, Query(description="End item (repeatable)",
                                            examples=[["ai_accelerator"]])] = None,
    top: Annotated[int, Query(ge=1, le=1000)] = 10,
    mode: Annotated[Literal["essential", "weighted"], Query()] = "essential",
    as_of: Annotated[str | None, DateQuery] = None,
    nodes_only: bool = False,
) -> JSON:
    request = ChokepointsRequest.parse(item=item, top=top, mode=mode, as_of=as_of,
                                       nodes_only=nodes_only, local_files=False)
    return page(queries.records(answer_chokepoints(net, request)), paging)


@router.get("/criticality", response_model=Page, dependencies=READ,
            summary="EU CRM 2017 criticality results (published, cited)")
def criticality_route(paging: Annotated[Paging, Depends()], critical: bool | None = None) -> JSON:
    return page(queries.criticality_records(critical), paging)
