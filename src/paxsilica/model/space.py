"""Satellite constellations and ground stations (issue 21), with their operators.

A constellation row gives an operator (a company of the companies table, whose domicile
is the constellation's country), the orbit class and a count of satellites: ``satellites``
counted as ``count_basis`` (``in_orbit``, ``launched`` or ``planned``) in ``year``;
``planned`` is the filed or announced total. ``name_patterns`` are the prefixes of the
satellites' catalogue names (``STARLINK``), used to count a user's copy of CelesTrak's
SATCAT (:mod:`paxsilica.io.satcat`).

A ground station is a site in a host ``country`` operated by a company (or a state body
listed as a company), serving one constellation or other missions (``role``), open from
``valid_from`` until ``valid_to`` (empty: still open; ``status`` planned: announced).

Example:
    >>> Constellation(constellation_id="starlink", name="Starlink", operator="spacex",
    ...               orbit="LEO", satellites=7000, count_basis="launched", year=2024,
    ...               source="SpaceNews", confidence="medium").name_patterns
    []
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from paxsilica.model.provenance import Cited, CountryCode, Identifier, IdList, field_error

__all__ = ["Constellation", "GroundStation"]


class Constellation(Cited):
    """A satellite constellation: operator, orbit class and a dated satellite count."""

    constellation_id: Identifier
    name: str = Field(min_length=1)
    operator: Identifier = Field(description="Company id of the operator")
    orbit: Literal["LEO", "MEO", "GEO", "HEO"] = Field(description="LEO | MEO | GEO | HEO")
    service: str | None = Field(default=None, description="e.g. broadband, IoT, navigation")
    satellites: int | None = Field(default=None, ge=0, le=1_000_000,
                                   description="Satellites counted as count_basis")
    count_basis: Literal["in_orbit", "launched", "planned"] | None = None
    year: int | None = Field(default=None, ge=1957, le=2100, description="Year of the count")
    planned: int | None = Field(default=None, ge=0, le=1_000_000,
                                description="Filed or announced total")
    name_patterns: IdList = Field(default_factory=list,
                                  description="Catalogue-name prefixes, e.g. STARLINK")

    @model_validator(mode="after")
    def _count_is_dated(self) -> Constellation:
        if self.satellites is not None and (self.count_basis is None or self.year is None):
            raise field_error("count_basis" if self.count_basis is None else "year",
                              "a satellite count needs its count_basis and year")
        if self.satellites is None and self.planned is None:
            raise field_error("satellites", "give a satellite count or a planned total")
        return self


class GroundStation(Cited):
    """A ground station (TT&C, gateway, deep-space antenna) in a host country."""

    station_id: Identifier
    name: str = Field(min_length=1)
    country: CountryCode = Field(description="Host country (ISO3)")
    operator: Identifier = Field(description="Company id of the operator")
    constellation_id: Identifier | None = Field(default=None,
                                                description="The constellation it serves")
    role: Literal["ttc", "gateway", "deep_space", "other"] = Field(
        default="ttc", description="ttc | gateway | deep_space | other")
    status: Literal["operational", "planned", "closed"] = "operational"
    valid_from: date | None = None
    valid_to: date | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> GroundStation:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise field_error("valid_to", f"valid_to {self.valid_to} is before valid_from "
                                          f"{self.valid_from}")
        return self
