"""Connectivity: a country's international submarine cables, what isolates it, and its map.

One request under ``paxsilica infra connectivity``, ``GET /api/v1/connectivity`` and the
dashboard's Cables page: a country, a year, landing points to close and cables to cut.
:func:`answer_connectivity` gives the
:class:`~paxsilica.analytics.connectivity.Connectivity` answer (``to_dict()`` is the
command's JSON), :func:`answer_cable_map` the same answer laid out for a map.

Example:
    >>> from paxsilica.store import open_store
    >>> from paxsilica.model.network import StackNetwork
    >>> net = StackNetwork.from_store(open_store(":memory:"))
    >>> request = ConnectivityRequest.parse(country="LTU", year=2024, cut=["bcs-east-west-interlink"])
    >>> answer = answer_connectivity(net, request)
    >>> answer.cables, answer.isolated_after
    (['bcs-east-west-interlink'], True)
    >>> ConnectivityRequest.parse(country="LTU", year=1492)
    Traceback (most recent call last):
    ...
    paxsilica.errors.ParameterError: year: Input should be greater than or equal to 1850
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field, StrictInt

from paxsilica.analytics.cable_map import CableMap, cable_map, connectivity_overview
from paxsilica.analytics.connectivity import YEARS, Connectivity, connectivity
from paxsilica.errors import NotFoundError
from paxsilica.model.country import resolve_country
from paxsilica.model.network import StackNetwork
from paxsilica.requests.base import Day, Name, Request, check_names

__all__ = ["MAX_IDS", "ConnectivityRequest", "answer_cable_map", "answer_connectivity",
           "most_connected_member"]

MAX_IDS = 200
"""Landing points to close, or cables to cut, in one request."""


class ConnectivityRequest(Request):
    """``paxsilica infra connectivity`` / ``GET /api/v1/connectivity`` / the Cables page."""

    country: Name
    """ISO3 code or English name."""
    year: Annotated[StrictInt, Field(ge=YEARS[0], le=YEARS[1])]
    """Cables in service in this year (not planned, ready for service by then)."""
    close: Annotated[tuple[Name, ...], Field(max_length=MAX_IDS)] = ()
    """Landing point ids to close (removed from every cable)."""
    cut: Annotated[tuple[Name, ...], Field(max_length=MAX_IDS)] = ()
    """Cable ids to cut."""
    concern: Name = "countries_of_concern"
    """Group whose companies (and companies they own 50 % or more) are of concern."""
    as_of: Day | None = None
    """Date of the concern group's membership and of ownership; default today."""


def _checked(net: StackNetwork, request: ConnectivityRequest) -> str:
    check_names(net, concern=request.concern)
    try:
        return resolve_country(request.country)
    except NotFoundError as exc:
        raise NotFoundError(f"country: {exc}", field="country") from None


def answer_connectivity(net: StackNetwork, request: ConnectivityRequest) -> Connectivity:
    """The country's cables before and after the closures and cuts (pinned semantics of
    :mod:`paxsilica.analytics.connectivity`).

    Raises:
        NotFoundError: an unknown country, landing point, cable or group (``field`` names it).
    """
    code = _checked(net, request)
    return connectivity(net, code, request.year, close=request.close, cut=request.cut,
                        concern=request.concern, as_of=request.as_of)


def answer_cable_map(net: StackNetwork, request: ConnectivityRequest) -> CableMap:
    """The same answer with the landing points, cables and segments a map draws
    (:func:`~paxsilica.analytics.cable_map.cable_map`)."""
    code = _checked(net, request)
    return cable_map(net, code, request.year, close=request.close, cut=request.cut,
                     concern=request.concern, as_of=request.as_of)


def most_connected_member(net: StackNetwork, year: int, group: str = "pax_silica",
                          day: date | None = None) -> str | None:
    """The member of ``group`` (on ``day``, default today) with the most international
    cables in ``year`` (ties by code): the country a page shows first; ``None`` when no
    member has a cable in the data."""
    members = sorted(net.members(group, day or date.today()))
    overview = connectivity_overview(net, members, year)
    linked = overview[overview["cables"] > 0]
    return str(linked.iloc[0]["country"]) if not linked.empty else None
