"""Typed answers of the issue-21 routes (cables, connectivity, telecom vendors, satellites,
ground stations), for the OpenAPI document; as :mod:`paxsilica.service.schemas`, the
columns listed are always there and further columns are allowed.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from paxsilica.service.schemas import Page, _Row

__all__ = ["ConnectivityAnswer", "ConnectivityCable", "Corridor", "GroundStationRow",
           "SatelliteRow", "VendorPage", "VendorRow", "VendorSummaryRow"]


class ConnectivityCable(_Row):
    """One international cable of the country."""

    cable_id: str
    name: str
    rfs_year: int | None = Field(description="Ready-for-service year, when the source gives it")
    connects_after: bool = Field(description="Still links the country abroad after closures and cuts")
    cut: bool
    sites: list[str] = Field(description="The country's landing points of the cable")
    owners_of_concern: list[str]
    suppliers_of_concern: list[str]
    owners: list[str]
    suppliers: list[str]
    source: str | None
    confidence: str | None


class Corridor(_Row):
    """A shared route (a strait, a sea) that several of the country's cables pass."""

    corridor_id: str
    name: str
    cables: list[str]
    share: float = Field(description="Share of the country's cables through it, 0-1")


class ConnectivityAnswer(BaseModel):
    """A country's international cables in a year, before and after closures and cuts."""

    country: str = Field(description="ISO3 code")
    year: int
    cables: list[str]
    cables_after: list[str]
    isolated: bool = Field(description="No international cable left after closures and cuts")
    isolated_before: bool
    lost_share: float = Field(description="Share of the country's cables lost, 0-1")
    closed: list[str] = Field(description="Landing points closed")
    cut: list[str] = Field(description="Cables cut")
    landing_sites: list[str]
    landing_sites_after: list[str]
    isolating_sites: list[str] = Field(
        description="Smallest set of landing sites whose closure isolates the country")
    isolating_sites_after: list[str]
    cable_table: list[ConnectivityCable]
    corridors: list[Corridor]


class VendorRow(_Row):
    """One vendor (or vendors reported together) in one market's equipment."""

    market: str = Field(description="ISO3, WLD or a region code")
    vendors: list[str]
    share: float = Field(description="Share of the market, 0-1")
    item: str
    year: int
    measure: str = Field(description="revenue, installed_base, sites or subscribers")
    scope: str | None
    vendor_names: list[str]
    vendor_countries: list[str] = Field(description="Countries of domicile (ISO3)")
    of_concern: bool
    in_group: bool
    concern_share: float | None = Field(description="Market's share from vendors of concern, 0-1")
    coalition_share: float | None
    unattributed_share: float | None
    top_vendors: list[str]
    top_share: float | None
    source: str
    source_url: str | None
    confidence: str
    basis: str


class VendorSummaryRow(_Row):
    """``summary=true``: one row per market, year and measure."""

    item: str
    market: str
    year: int
    measure: str
    scope: str | None
    concern_share: float | None
    coalition_share: float | None
    unattributed_share: float | None
    top_vendors: list[str]
    top_share: float | None
    rows: int = Field(description="Vendor rows summed")
    sources: list[str]
    confidence: str


class SatelliteRow(_Row):
    """A constellation with its operator's country and its share of the satellites counted."""

    constellation_id: str
    name: str
    operator: str
    operator_name: str | None
    operator_country: str | None
    of_concern: bool
    in_group: bool
    orbit: str = Field(description="LEO, MEO, GEO or HEO")
    service: str | None
    satellites: int | None = Field(description="Satellites counted on ``count_basis``")
    count_basis: str | None = Field(description="in_orbit or launched")
    year: int | None
    planned: int | None
    share_of_counted: float | None = Field(description="Of the satellites counted on the same basis, 0-1")
    concern_share_of_counted: float | None
    source: str
    source_url: str | None
    confidence: str
    basis: str


class GroundStationRow(_Row):
    """A ground station with its host and operator countries."""

    station_id: str
    name: str
    country: str = Field(description="Host country (ISO3)")
    host_in_group: bool
    operator: str
    operator_name: str | None
    operator_country: str | None
    of_concern: bool
    in_group: bool
    constellation_id: str | None
    role: str
    status: str
    valid_from: str | None = Field(description="YYYY-MM-DD")
    valid_to: str | None
    open: bool = Field(description="Open on as_of")
    source: str
    source_url: str | None
    confidence: str
    basis: str


class VendorPage(Page[VendorRow | VendorSummaryRow]):  # type: ignore[misc]
    """One page of vendor rows (or, with ``summary=true``, of market summaries)."""
