"""Supply rows: who produces how much of an item, in which year.

A row gives a ``quantity`` (in ``unit``), a ``share`` (fraction 0-1 of world
output), or both. ``country`` may be an aggregate (``WLD`` = world total).

Example:
    >>> row = Supply(item_id="gallium", country="China", year=2024, quantity=750000,
    ...              unit="kg Ga", source="USGS MCS 2025", confidence="high")
    >>> row.country
    'CHN'
"""

from __future__ import annotations

from pydantic import Field, model_validator

from paxsilica.model.provenance import Cited, CountryCode, Identifier, field_error

__all__ = ["Supply"]


class Supply(Cited):
    """Production of one item by one country (optionally one company or facility) in a year."""

    item_id: Identifier
    stage: Identifier | None = Field(default=None, description="Defaults to the item's stage")
    country: CountryCode
    company: str | None = None
    facility_id: Identifier | None = None
    year: int = Field(ge=1900, le=2100, description="Year the figure refers to")
    quantity: float | None = Field(default=None, ge=0, description="In `unit`")
    unit: str | None = None
    share: float | None = Field(default=None, ge=0, le=1, description="Fraction of world output")

    @model_validator(mode="after")
    def _has_a_measure(self) -> Supply:
        if self.quantity is None and self.share is None:
            raise field_error("quantity", "give a quantity (with its unit) or a share")
        if self.quantity is not None and not self.unit:
            raise field_error("unit", "a quantity needs a unit")
        return self
