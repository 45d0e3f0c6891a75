"""Companies, facilities and ownership links between them.

Example:
    >>> Ownership(owner_id="a", owned_id="b", percentage=60, source="filing",
    ...           confidence="high").percentage
    60.0
"""

from __future__ import annotations

from pydantic import Field, model_validator

from paxsilica.model.provenance import Cited, CountryCode, Identifier, IdList, field_error

__all__ = ["Company", "Facility", "Ownership"]


class Company(Cited):
    """A legal entity, domiciled in ``country``."""

    company_id: Identifier
    name: str = Field(min_length=1)
    country: CountryCode
    aliases: IdList = Field(default_factory=list)
    identifiers: IdList = Field(default_factory=list, description="e.g. lei:529900…; ticker:ASML")


class Facility(Cited):
    """A plant, mine, fab or data centre producing ``item_id`` at ``stage``."""

    facility_id: Identifier
    name: str = Field(min_length=1)
    country: CountryCode
    company_id: Identifier | None = None
    item_id: Identifier | None = None
    stage: Identifier | None = None
    capacity: float | None = Field(default=None, ge=0)
    unit: str | None = None


class Ownership(Cited):
    """``owner_id`` holds ``percentage`` (0-100) of ``owned_id``."""

    owner_id: Identifier
    owned_id: Identifier
    percentage: float = Field(gt=0, le=100, description="Percent of shares or votes")

    @model_validator(mode="after")
    def _not_self(self) -> Ownership:
        if self.owner_id == self.owned_id:
            raise field_error("owned_id", f"{self.owned_id} cannot own itself")
        return self
