"""Read routes of ``/api/v1``: exposure and the network's tables, paginated.

Every table answers ``{"total", "limit", "offset", "results"}`` (or the page as CSV with
``format=csv``); ``results`` are the records the CLI prints with ``--format json`` for the
same options. Answers are kept per data version (:meth:`ServiceState.answer
<paxsilica.service.state.ServiceState.answer>`): a repeated question costs a look-up and
the page's JSON; an import or a restore starts afresh.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from paxsilica.model.group import Group, Membership
from paxsilica.model.item import Item
from paxsilica.model.network import StackNetwork
from paxsilica.requests.base import check_names, parse_day
from paxsilica.requests.chokepoints import ChokepointsRequest, answer_chokepoints
from paxsilica.requests.exposure import ExposureRequest, Tiers, answer_exposure
from paxsilica.service import queries
from paxsilica.service.responses import Paging, page, problems, table_content
from paxsilica.service.schemas import (
    ChokepointRow,
    CountryRow,
    CriticalityRow,
    ExposurePage,
    Page,
    SourceRow,
)
from paxsilica.service.security import charge, get_state, rate_limited, require
from paxsilica.service.state import ServiceState

__all__ = ["Page", "router"]

router = APIRouter(prefix="/api/v1", tags=["read"])
READ = [Depends(require("reader"))]


def network(state: ServiceState = Depends(get_state)) -> StackNetwork:
    return state.network()


Net = Annotated[StackNetwork, Depends(network)]
State = Annotated[ServiceState, Depends(get_state)]
DateQuery = Query(description="Date YYYY-MM-DD (default today)", examples=["2026-01-01"],
                  pattern=r"^\d{4}-\d{2}-\d{2}$")


@router.get("/exposure", operation_id="get_exposure", dependencies=READ,
            response_model=ExposurePage, responses={**table_content(ExposurePage),
                                                    **problems(429)},
            summary="Exposure, as `paxsilica exposure --format json`")
def exposure_route(
    request: Request, net: Net, state: State, paging: Annotated[Paging, Depends()],
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
    by_country: bool = False) -> Response:
    """Who supplies each item, how concentrated, how much from countries of concern and how
    much the coalition covers, as of a date: direct shares (one row per item, stage, year
    and country), a summary per item (``summary``), the coverage change between two dates
    (``compare``), or shares through every recipe tier (``tiers=all``, with ``by_country``
    the dependence on each origin). The row type follows the options (see the schemas).
    An unknown item, stage or group is a 422 naming the parameter."""
    question = ExposureRequest.parse(
        item=item, stage=stage, year=year, as_of=as_of, group=group, concern=concern,
        tiers=tiers, latest=latest, summary=summary, compare=compare, mode=mode,
        by_country=by_country, local_files=False)
    if question.tiers is Tiers.all:  # all tiers builds the sourcing network: an expensive request
        charge(request, request.state.principal)
    rows = state.answer(("exposure", question.model_dump_json()),
                        lambda: queries.records(answer_exposure(net, question)))
    return page(rows, paging)


@router.get("/items", operation_id="list_items", dependencies=READ, response_model=Page[Item],
            responses={**table_content(Page[Item]), **problems()},
            summary="Items of the catalogue")
def items_route(net: Net, state: State, paging: Annotated[Paging, Depends()],
                stage: Annotated[str | None, Query(examples=["mine"])] = None) -> Response:
    """Every item of the catalogue (or those of one stage): id, name, kind, stage, unit, HS
    codes and aliases."""
    check_names(net, stage=stage)
    items = net.items if stage is None else net.items[net.items["stage"] == stage]
    return page(state.answer(("items", stage), lambda: queries.table_records(items)), paging)


@router.get("/countries", operation_id="list_countries", dependencies=READ,
            response_model=Page[CountryRow], responses={**table_content(Page[CountryRow]),
                                                        **problems()},
            summary="Countries and regions, with their groups")
def countries_route(net: Net, state: State, paging: Annotated[Paging, Depends()],
                    as_of: Annotated[str | None, DateQuery] = None) -> Response:
    """Every country or region in the supplies and memberships, with its name and the groups
    it belongs to on ``as_of``."""
    day = parse_day(as_of, "as_of")
    return page(state.answer(("countries", day), lambda: queries.country_records(net, day)),
                paging)


@router.get("/groups", operation_id="list_groups", dependencies=READ, response_model=Page[Group],
            responses={**table_content(Page[Group]), **problems()},
            summary="Groups of countries")
def groups_route(net: Net, state: State, paging: Annotated[Paging, Depends()]) -> Response:
    """The coalitions and groups of concern: which statuses count as membership
    (``member_statuses``) and which are only recorded (``other_statuses``)."""
    return page(state.answer(("groups",), lambda: queries.table_records(net.groups)), paging)


@router.get("/memberships", operation_id="list_memberships", dependencies=READ,
            response_model=Page[Membership], responses={**table_content(Page[Membership]),
                                                        **problems()},
            summary="Membership events of groups")
def memberships_route(net: Net, state: State, paging: Annotated[Paging, Depends()],
                      group: Annotated[str | None, Query(examples=["pax_silica"])] = None) -> Response:
    """Each status change of each country in each group (or one group), dated and cited."""
    check_names(net, group=group)
    rows = net.memberships if group is None else net.membership_events(group)
    return page(state.answer(("memberships", group), lambda: queries.table_records(rows)),
                paging)


@router.get("/sources", operation_id="list_sources", dependencies=READ,
            response_model=Page[SourceRow], responses={**table_content(Page[SourceRow]),
                                                       **problems()},
            summary="Cited sources behind the data")
def sources_route(net: Net, state: State, paging: Annotated[Paging, Depends()]) -> Response:
    """Every source the data cite: title, URL, the tables citing it, how many rows, their
    confidence levels and bases."""
    return page(state.answer(("sources",), lambda: queries.source_records(net)), paging)


@router.get("/chokepoints", operation_id="get_chokepoints",
            dependencies=[Depends(rate_limited("reader"))], response_model=Page[ChokepointRow],
            responses={**table_content(Page[ChokepointRow]), **problems(429)},
            summary="Chokepoints, as `paxsilica chokepoints --format json`")
def chokepoints_route(
    net: Net, state: State, paging: Annotated[Paging, Depends()],
    item: Annotated[list[str] | None, Query(description="End item (repeatable)",
                                            examples=[["ai_accelerator"]])] = None,
    top: Annotated[int, Query(ge=1, le=1000)] = 10,
    mode: Annotated[Literal["essential", "weighted"], Query()] = "essential",
    as_of: Annotated[str | None, DateQuery] = None,
    nodes_only: bool = False,
) -> Response:
    """Producers and supply links ranked by the share of each end item's world supply lost
    if they stopped (hypothetical extraction), with betweenness on the sourcing graph."""
    request = ChokepointsRequest.parse(item=item, top=top, mode=mode, as_of=as_of,
                                       nodes_only=nodes_only, local_files=False)
    rows = state.answer(("chokepoints", request.model_dump_json()),
                        lambda: queries.records(answer_chokepoints(net, request)))
    return page(rows, paging)


@router.get("/criticality", operation_id="list_criticality", dependencies=READ,
            response_model=Page[CriticalityRow],
            responses={**table_content(Page[CriticalityRow]), **problems()},
            summary="EU CRM 2017 criticality results (published, cited)")
def criticality_route(state: State, paging: Annotated[Paging, Depends()],
                      critical: bool | None = None) -> Response:
    """The European Commission's published 2017 criticality assessment: supply risk and
    economic importance per material (optionally only those on, or off, the list)."""
    return page(state.answer(("criticality", critical),
                             lambda: queries.criticality_records(critical)), paging)
