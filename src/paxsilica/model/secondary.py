"""Secondary (recycled) supply of an item, kept apart from primary supply.

A row gives the output of an item recovered from scrap and waste in a country (``WLD``:
the world) and a year: a ``quantity`` (in ``unit``), a ``share``, or both. ``share_of``
says what the share is a fraction of:

- ``total_supply``: secondary ÷ (primary + secondary) output of the item in ``country``;
- ``world_secondary``: the country's part of the world's secondary output of the item;
- ``consumption``: secondary ÷ (apparent) consumption of the item in ``country``.

``measure`` is ``output`` (produced in the year) or ``capacity`` (what plants can treat).

Example:
    >>> row = SecondarySupply(item_id="copper_refined", country="World", year=2023,
    ...                       share=0.169, source="ICSG", confidence="medium")
    >>> row.country, row.share_of, row.measure
    ('WLD', 'total_supply', 'output')
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from paxsilica.model.provenance import Cited, CountryCode, Identifier, field_error

__all__ = ["SHARE_OF", "SecondarySupply"]

SHARE_OF = ("total_supply", "world_secondary", "consumption")
"""What a secondary ``share`` is a fraction of (see the module docstring)."""


class SecondarySupply(Cited):
    """Recycled output (or recycling capacity) of one item in one country and year."""

    item_id: Identifier
    country: CountryCode
    year: int = Field(ge=1900, le=2100, description="Year the figure refers to")
    quantity: float | None = Field(default=None, ge=0, description="In `unit`")
    unit: str | None = None
    share: float | None = Field(default=None, ge=0, le=1,
                                description="Fraction 0-1 of what `share_of` names")
    share_of: Literal["total_supply", "world_secondary", "consumption"] = Field(
        default="total_supply", description="total_supply | world_secondary | consumption")
    measure: Literal["output", "capacity"] = Field(default="output",
                                                   description="output | capacity")

    @model_validator(mode="after")
    def _has_a_measure(self) -> SecondarySupply:
        if self.quantity is None and self.share is None:
            raise field_error("quantity", "give a quantity (with its unit) or a share")
        if self.quantity is not None and not self.unit:
            raise field_error("unit", "a quantity needs a unit")
        if self.share_of == "world_secondary" and self.country == "WLD":
            raise field_error("country", "a share of world secondary supply needs a country, "
                                         "not WLD (the world's part of itself is 1)")
        return self
