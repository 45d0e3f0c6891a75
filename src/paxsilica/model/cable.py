"""Submarine cables, their landing points, the links between them, and corridors.

The layout follows the last openly licensed release of TeleGeography's submarine cable
map (``cable/<id>.json``, ``landing-point/landing-point-geo.json``), read by
:mod:`paxsilica.io.cables`; ids are that release's slugs, so a user's import of the full
release replaces the bundled rows of the same cables instead of duplicating them.

Example:
    >>> Cable(cable_id="c-lion1", name="C-Lion1", rfs_year=2016, source="Cinia",
    ...       confidence="high").is_planned
    False
    >>> LandingPoint(landing_point_id="rostock-germany", name="Rostock, Germany",
    ...              country="Germany", source="x", confidence="high").country
    'DEU'
"""

from __future__ import annotations

from pydantic import Field, model_validator

from paxsilica.model.provenance import Cited, CountryCode, Identifier, IdList, field_error

__all__ = ["Cable", "CableLanding", "Corridor", "LandingPoint"]


class Cable(Cited):
    """A submarine cable system. ``owners`` and ``suppliers`` are company names as the
    source writes them (matched to ``companies`` by name or alias for exposure)."""

    cable_id: Identifier
    name: str = Field(min_length=1, max_length=300)
    length_km: float | None = Field(default=None, ge=0, le=100_000,
                                    description="Route length, km")
    rfs_year: int | None = Field(default=None, ge=1850, le=2100,
                                 description="Ready-for-service year (planned year if planned)")
    is_planned: bool = Field(default=False, description="Not yet in service per the source")
    owners: IdList = Field(default_factory=list, description="Owner names, ';'-separated in CSV")
    suppliers: IdList = Field(default_factory=list,
                              description="Companies that built the cable, ';'-separated in CSV")
    url: str | None = Field(default=None, max_length=2000)
    year: int | None = Field(default=None, ge=1850, le=2100,
                             description="Year the source reports the facts for")


class LandingPoint(Cited):
    """A cable landing site (a town or station) in ``country``; coordinates in degrees
    (WGS 84), empty when no cited position is known."""

    landing_point_id: Identifier
    name: str = Field(min_length=1, max_length=300)
    country: CountryCode
    lat: float | None = Field(default=None, ge=-90, le=90, description="Latitude, degrees")
    lon: float | None = Field(default=None, ge=-180, le=180, description="Longitude, degrees")
    year: int | None = Field(default=None, ge=1850, le=2100,
                             description="Year the source reports the facts for")

    @model_validator(mode="after")
    def _both_coordinates(self) -> LandingPoint:
        if (self.lat is None) != (self.lon is None):
            raise field_error("lon" if self.lon is None else "lat",
                              "give both lat and lon, or neither")
        return self


class CableLanding(Cited):
    """``cable_id`` lands at ``landing_point_id``."""

    cable_id: Identifier
    landing_point_id: Identifier


class Corridor(Cited):
    """A named group of cables that share a strait or sea, so that one event (an anchor
    drag, a blockade) can reach them all."""

    corridor_id: Identifier
    name: str = Field(min_length=1, max_length=300)
    cable_ids: IdList = Field(min_length=1, description="Cables through the corridor")
