"""Groups of countries with dated memberships (the coalition, countries of concern).

A country is a member of a group on a date when its latest membership event on
or before that date has a status listed in the group's ``member_statuses``.

Example:
    >>> g = Group(group_id="pax_silica", name="Pax Silica", member_statuses=["signatory"],
    ...           other_statuses="guest; observer")
    >>> "guest" in g.member_statuses, g.statuses
    (False, ['signatory', 'guest', 'observer'])
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from paxsilica.model.provenance import Cited, CountryCode, Identifier, IdList, Record, field_error

__all__ = ["Group", "Membership"]


class Group(Record):
    """A named set of countries; ``kind`` says how analytics use it.

    A membership row of the group must have one of its :attr:`statuses`.
    """

    group_id: Identifier
    name: str
    kind: Literal["coalition", "concern", "other"] = "other"
    member_statuses: IdList = Field(
        default_factory=lambda: ["member"],
        description="Statuses that count as membership, e.g. signatory; endorsing_partner",
    )
    other_statuses: IdList = Field(
        default_factory=list,
        description="Statuses that may be recorded but do not count as membership, "
                    "e.g. guest; observer",
    )
    based_on: Identifier | None = Field(
        default=None,
        description="Take memberships from this group (same events, other member_statuses)",
    )
    description: str = ""
    source: str | None = None
    source_url: str | None = None

    @property
    def statuses(self) -> list[str]:
        """Every status a membership row of this group may have."""
        return [*self.member_statuses, *self.other_statuses]


class Membership(Cited):
    """One status change of one country in one group, valid from a date."""

    group_id: Identifier
    country: CountryCode
    status: Identifier = Field(description="e.g. signatory, endorsing_partner, guest, member")
    valid_from: date
    valid_to: date | None = None
    event: str | None = None

    @model_validator(mode="after")
    def _dates_ordered(self) -> Membership:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise field_error("valid_to", f"valid_to {self.valid_to} is before valid_from "
                                          f"{self.valid_from}")
        return self
