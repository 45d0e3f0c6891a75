"""Typed records of the stack and the immutable network they form."""

from paxsilica.model.cable import Cable, CableLanding, Corridor, LandingPoint
from paxsilica.model.control import ExportControl
from paxsilica.model.country import country_name, is_country, region_kind, resolve_country
from paxsilica.model.entity import Company, Facility, Ownership
from paxsilica.model.group import Group, Membership
from paxsilica.model.item import Item, Stage
from paxsilica.model.kinds import KINDS, Kind, kind_named
from paxsilica.model.parameter_record import ItemParameter, parameter_specs
from paxsilica.model.parameters import item_parameter
from paxsilica.model.recipe import RecipeLine
from paxsilica.model.supply import Supply

__all__ = [
    "KINDS",
    "Cable",
    "CableLanding",
    "Company",
    "Corridor",
    "ExportControl",
    "Facility",
    "Group",
    "Item",
    "ItemParameter",
    "Kind",
    "LandingPoint",
    "Membership",
    "Ownership",
    "RecipeLine",
    "Stage",
    "Supply",
    "country_name",
    "is_country",
    "item_parameter",
    "kind_named",
    "parameter_specs",
    "region_kind",
    "resolve_country",
]
