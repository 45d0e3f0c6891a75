"""Vendor market shares: who supplies an item (telecom equipment) in a market country.

A row says that ``vendors`` (one company, or several reported together, e.g. "Chinese
vendors" = Huawei and ZTE) held ``share`` of ``market`` (ISO3, ``WLD`` or a region code
such as ``WLD_EX_CHN``) for ``item_id`` in ``year``. ``measure`` says what the share
counts: ``revenue`` (sales in the year), ``installed_base`` (equipment in service),
``sites`` (base-station sites) or ``subscribers`` (users served by that equipment).
Vendors are companies of the companies table, which give their country of domicile.

Example:
    >>> row = VendorShare(item_id="ran_equipment", market="Germany", vendors="huawei;zte",
    ...                   year=2022, share=0.59, measure="installed_base",
    ...                   source="Strand Consult", confidence="medium")
    >>> row.market, row.vendors
    ('DEU', ['huawei', 'zte'])
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from paxsilica.model.provenance import Cited, CountryCode, Identifier, IdList, field_error

__all__ = ["MEASURES", "VendorShare"]

MEASURES = ("revenue", "installed_base", "sites", "subscribers")
"""What a vendor share counts (see the module docstring)."""


class VendorShare(Cited):
    """Share of one market held by one vendor (or a named set of vendors) in a year."""

    item_id: Identifier
    market: CountryCode = Field(description="Market country (ISO3), WLD or a region code")
    vendors: IdList = Field(description="Company ids, ';'-joined when reported together")
    year: int = Field(ge=1900, le=2100, description="Year the figure refers to")
    share: float = Field(ge=0, le=1, description="Fraction 0-1 of the market")
    measure: Literal["revenue", "installed_base", "sites", "subscribers"] = Field(
        default="revenue", description="revenue | installed_base | sites | subscribers")
    scope: str | None = Field(default=None, description="e.g. '5G RAN', 'RAN, all generations'")

    @field_validator("vendors")
    @classmethod
    def _in_order(cls, vendors: list[str]) -> list[str]:
        # one spelling per set of vendors, so that "zte;huawei" and "huawei;zte" are one key
        return sorted(vendors)

    @model_validator(mode="after")
    def _vendors_given_once(self) -> VendorShare:
        if not self.vendors:
            raise field_error("vendors", "name at least one vendor (a company id)")
        if len(set(self.vendors)) != len(self.vendors):
            raise field_error("vendors", "a vendor is named twice")
        return self
