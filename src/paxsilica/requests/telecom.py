"""Telecom vendors by market country, satellite constellations and ground stations
(issue 21): one request model per question and the function answering it.

Example:
    >>> from paxsilica.store import open_store
    >>> from paxsilica.model.network import StackNetwork
    >>> net = StackNetwork.from_store(open_store(":memory:"))
    >>> table = answer_vendors(net, VendorsRequest(market="DEU"))
    >>> float(table["concern_share"].iloc[0]), table.attrs["title"][:12]
    (0.59, 'Vendor share')
    >>> try:
    ...     VendorsRequest(measure="market_cap")
    ... except ParameterError as exc:
    ...     print(exc.field)
    measure
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from pydantic import field_validator

from paxsilica.analytics.space import constellation_exposure, ground_station_exposure
from paxsilica.analytics.vendors import vendor_exposure, vendor_exposure_summary
from paxsilica.errors import NotFoundError, ParameterError  # noqa: F401 (doctest)
from paxsilica.model.country import resolve_country
from paxsilica.model.network import StackNetwork
from paxsilica.requests.base import Day, Name, Request, StrictBool, Year, check_names, with_notes
from paxsilica.requests.choices import Measure, Orbit

__all__ = ["GroundStationsRequest", "Measure", "Orbit", "SatellitesRequest", "VendorsRequest",
           "answer_ground_stations", "answer_satellites", "answer_vendors"]


class _Dated(Request):
    group: Name = "pax_silica"
    """Group whose coverage to report."""
    concern: Name = "countries_of_concern"
    """Group of countries of concern."""
    as_of: Day | None = None
    """Membership and data date; default today."""

    @property
    def day(self) -> date:
        """``as_of`` or today."""
        return self.as_of or date.today()


def _country(value: str | None, field: str) -> str | None:
    """``value`` resolved to its code (ISO3 or a region code); unknown: NotFoundError
    naming ``field``."""
    if value is None:
        return None
    try:
        return resolve_country(value)
    except KeyError as exc:
        raise NotFoundError(str(exc.args[0]), field=field) from None


class VendorsRequest(_Dated):
    """``paxsilica telecom vendors`` / ``GET /api/v1/telecom/vendors``."""

    item: Name = "ran_equipment"
    """Equipment item id or alias."""
    market: Name | None = None
    """Market country (ISO3 or name), WLD or a region code such as WLD_EX_CHN."""
    measure: Measure | None = None
    year: Year | None = None
    """Only this data year (default: each market's latest observed year)."""
    summary: StrictBool = False
    """One row per market."""


def answer_vendors(net: StackNetwork, request: VendorsRequest) -> pd.DataFrame:
    """Vendor shares by market (or one row per market), ``attrs["title"]`` for printing.

    Raises:
        NotFoundError: an unknown item, market, group or concern (``field`` names it), or no
            row for the selection (no field).
    """
    check_names(net, item=request.item, group=request.group, concern=request.concern)
    market = _country(request.market, "market")
    function = vendor_exposure_summary if request.summary else vendor_exposure
    table = function(net, item=request.item, market=market,
                     measure=request.measure.value if request.measure else None,
                     year=request.year, group=request.group, concern=request.concern,
                     as_of=request.day)
    title = ("Vendor exposure by market" if request.summary else "Vendor shares")
    return with_notes(table, f"{title} as of {request.day} ({request.group})", [])


class SatellitesRequest(_Dated):
    """``paxsilica telecom satellites`` / ``GET /api/v1/telecom/satellites``."""

    orbit: Orbit | None = None

    @field_validator("orbit", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value


def answer_satellites(net: StackNetwork, request: SatellitesRequest) -> pd.DataFrame:
    """Constellations by operator country, with the concern share of counted satellites.

    Raises:
        NotFoundError: an unknown group or concern (``field``), or no constellation.
    """
    check_names(net, group=request.group, concern=request.concern)
    table = constellation_exposure(net, orbit=request.orbit.value if request.orbit else None,
                                   group=request.group, concern=request.concern,
                                   as_of=request.day)
    return with_notes(table, f"Constellations as of {request.day} ({request.group})", [])


class GroundStationsRequest(_Dated):
    """``paxsilica telecom ground-stations`` / ``GET /api/v1/telecom/ground-stations``."""

    country: Name | None = None
    """Host country (ISO3 or name); default every station."""


def answer_ground_stations(net: StackNetwork, request: GroundStationsRequest) -> pd.DataFrame:
    """Ground stations with their operator's country and whether each is open.

    Raises:
        NotFoundError: an unknown country, group or concern (``field`` names it).
    """
    check_names(net, group=request.group, concern=request.concern)
    country = _country(request.country, "country")
    table = ground_station_exposure(net, country=country, group=request.group,
                                    concern=request.concern, as_of=request.day)
    notes = [] if not table.empty else [
        f"note: no ground station stored{f' in {country}' if country else ''}"]
    return with_notes(table, f"Ground stations as of {request.day} ({request.group})", notes)
