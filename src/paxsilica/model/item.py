"""Stages of the stack and the items produced at them.

Example:
    >>> Item(item_id="gallium", name="Gallium", kind="material", stage="refining", unit="kg").hs_codes
    []
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from paxsilica.model.provenance import Identifier, IdList, Record

__all__ = ["Item", "ItemKind", "Stage"]

ItemKind = Literal["material", "component", "system", "service", "equipment", "energy"]


class Stage(Record):
    """A step of the stack, e.g. ``mine`` or ``fabrication``; ``order`` runs upstream→downstream."""

    stage_id: Identifier
    name: str
    order: int = Field(ge=0)
    description: str = ""


class Item(Record):
    """A product of the stack: a material, component, system, service or equipment."""

    item_id: Identifier
    name: str
    kind: ItemKind
    stage: Identifier = Field(description="The stage that produces the item")
    unit: str = Field(min_length=1, description="Unit of quantities, e.g. 't REO', 'kg Ga'")
    hs_codes: IdList = Field(default_factory=list, description="HS codes, e.g. 2805.30")
    aliases: IdList = Field(default_factory=list, description="Other names that select this item")
    description: str = ""
    source: str | None = None
    source_url: str | None = None
    tradable: bool = Field(default=True, description="False for what cannot cross borders "
                           "(electricity, data-centre service): a ban never moves it")
    capital: bool = Field(default=False, description="True for fixed assets (servers, fab "
                          "equipment): a shortage cuts additions to the fleet, not the fleet")
