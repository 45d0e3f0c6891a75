"""The record kinds that can be imported, with their table, key and references.

``KINDS[name]`` drives the generic importer, validator, store DDL and exporter,
so adding a record kind means adding one entry here and one pydantic model.

Example:
    >>> KINDS["supplies"].key
    ('item_id', 'stage', 'country', 'company', 'facility_id', 'year')
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel

from paxsilica.model.control import ExportControl
from paxsilica.model.entity import Company, Facility, Ownership
from paxsilica.model.group import Group, Membership
from paxsilica.model.item import Item, Stage
from paxsilica.model.recipe import RecipeLine
from paxsilica.model.supply import Supply

__all__ = ["KINDS", "Kind", "kind_named"]


@dataclass(frozen=True)
class Kind:
    """How one record kind is stored and checked."""

    name: str
    model: type[BaseModel]
    key: tuple[str, ...]
    references: dict[str, str] = field(default_factory=dict)
    """field -> kind whose key it must match (checked against the store and the file)."""

    @property
    def table(self) -> str:
        return self.name

    @property
    def columns(self) -> list[str]:
        return list(self.model.model_fields)

    @property
    def required(self) -> list[str]:
        return [name for name, info in self.model.model_fields.items() if info.is_required()]


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in [
        Kind("stages", Stage, ("stage_id",)),
        Kind("items", Item, ("item_id",), {"stage": "stages"}),
        Kind("groups", Group, ("group_id",)),
        Kind("memberships", Membership, ("group_id", "country", "valid_from"),
             {"group_id": "groups"}),
        Kind("supplies", Supply, ("item_id", "stage", "country", "company", "facility_id", "year"),
             {"item_id": "items", "stage": "stages"}),
        Kind("recipes", RecipeLine, ("output_item", "input_item"),
             {"output_item": "items", "input_item": "items"}),
        Kind("companies", Company, ("company_id",)),
        Kind("facilities", Facility, ("facility_id",),
             {"company_id": "companies", "item_id": "items", "stage": "stages"}),
        # Owners may be people or states, not only companies: no reference check.
        Kind("ownership", Ownership, ("owner_id", "owned_id")),
        Kind("export_controls", ExportControl, ("measure_id",)),
    ]
}

ALIASES = {"supply": "supplies", "recipe": "recipes", "item": "items", "stage": "stages",
           "group": "groups", "membership": "memberships", "company": "companies",
           "facility": "facilities", "owners": "ownership", "controls": "export_controls",
           "export_control": "export_controls"}


def kind_named(name: str) -> Kind:
    """The :class:`Kind` called ``name`` (singular forms accepted).

    Raises:
        KeyError: with the list of known kinds.
    """
    key = name.strip().lower().replace("-", "_")
    key = ALIASES.get(key, key)
    if key not in KINDS:
        raise KeyError(f"unknown record kind {name!r}; known kinds: {', '.join(KINDS)}")
    return KINDS[key]
