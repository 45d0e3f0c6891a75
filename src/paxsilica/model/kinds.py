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

from paxsilica.errors import NotFoundError
from paxsilica.model.cable import Cable, CableLanding, Corridor, LandingPoint
from paxsilica.model.control import ExportControl
from paxsilica.model.entity import Company, Facility, Ownership
from paxsilica.model.group import Group, Membership
from paxsilica.model.item import Item, Stage
from paxsilica.model.parameter_record import ItemParameter
from paxsilica.model.recipe import RecipeLine
from paxsilica.model.secondary import SecondarySupply
from paxsilica.model.space import Constellation, GroundStation
from paxsilica.model.supply import Supply
from paxsilica.model.vendor import VendorShare

__all__ = ["KINDS", "Kind", "kind_named"]


@dataclass(frozen=True)
class Kind:
    """How one record kind is stored and checked."""

    name: str
    singular: str
    """One record, in messages: ``unknown company 'x'``."""
    model: type[BaseModel]
    key: tuple[str, ...]
    references: dict[str, str] = field(default_factory=dict)
    """field -> kind whose key it must match (checked against the store and the file;
    every element of a list field)."""

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
        Kind("stages", "stage", Stage, ("stage_id",)),
        Kind("items", "item", Item, ("item_id",), {"stage": "stages"}),
        Kind("groups", "group", Group, ("group_id",)),
        Kind("memberships", "membership", Membership, ("group_id", "country", "valid_from"),
             {"group_id": "groups"}),
        Kind("supplies", "supply", Supply,
             ("item_id", "stage", "country", "company", "facility_id", "year"),
             {"item_id": "items", "stage": "stages", "facility_id": "facilities"}),
        Kind("recipes", "recipe", RecipeLine, ("output_item", "input_item"),
             {"output_item": "items", "input_item": "items"}),
        Kind("companies", "company", Company, ("company_id",)),
        Kind("facilities", "facility", Facility, ("facility_id",),
             {"company_id": "companies", "item_id": "items", "stage": "stages"}),
        # Owners may be people or states, not only companies: only owned_id is checked.
        Kind("ownership", "ownership link", Ownership, ("owner_id", "owned_id"),
             {"owned_id": "companies"}),
        Kind("export_controls", "export control", ExportControl, ("measure_id",),
             {"item_ids": "items"}),
        Kind("item_parameters", "item parameter", ItemParameter,
             ("item_id", "parameter", "country", "year"), {"item_id": "items"}),
        # digital infrastructure (issue 21): submarine cables and where they land
        Kind("cables", "cable", Cable, ("cable_id",)),
        Kind("landing_points", "landing point", LandingPoint, ("landing_point_id",)),
        Kind("cable_landings", "cable landing", CableLanding, ("cable_id", "landing_point_id"),
             {"cable_id": "cables", "landing_point_id": "landing_points"}),
        Kind("corridors", "corridor", Corridor, ("corridor_id",), {"cable_ids": "cables"}),
        Kind("secondary_supplies", "secondary supply", SecondarySupply,
             ("item_id", "country", "year", "share_of", "measure"), {"item_id": "items"}),
        Kind("vendor_shares", "vendor share", VendorShare,
             ("item_id", "market", "vendors", "year", "measure"),
             {"item_id": "items", "vendors": "companies"}),
        Kind("constellations", "constellation", Constellation, ("constellation_id",),
             {"operator": "companies"}),
        Kind("ground_stations", "ground station", GroundStation, ("station_id",),
             {"operator": "companies", "constellation_id": "constellations"}),
    ]
}

ALIASES = {
    **{kind.singular.replace(" ", "_"): name for name, kind in KINDS.items()},
    "owners": "ownership", "controls": "export_controls",
}


def kind_named(name: str) -> Kind:
    """The :class:`Kind` called ``name`` (singular forms accepted).

    Raises:
        NotFoundError: with the list of known kinds (also a ``KeyError``).
    """
    key = name.strip().lower().replace("-", "_")
    key = ALIASES.get(key, key)
    if key not in KINDS:
        raise NotFoundError(f"unknown record kind {name!r}; known kinds: {', '.join(KINDS)}")
    return KINDS[key]
