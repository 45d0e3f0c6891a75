"""Recipe lines: how much of an input goes into one unit of an output.

Example:
    >>> line = RecipeLine(output_item="gaas_wafer", input_item="gallium", quantity=0.48,
    ...                   unit="kg/kg", source="stoichiometry", confidence="high")
    >>> line.essential
    True
"""

from __future__ import annotations

from pydantic import Field, model_validator

from paxsilica.model.provenance import Cited, Identifier, field_error

__all__ = ["RecipeLine"]


class RecipeLine(Cited):
    """``quantity`` units of ``input_item`` per one unit of ``output_item``.

    ``essential`` inputs cannot be replaced in the short run (their loss stops
    output); substitutable ones can be replaced by other inputs.
    """

    output_item: Identifier
    input_item: Identifier
    quantity: float = Field(gt=0, description="Input units per output unit, see `unit`")
    unit: str = Field(min_length=1, description="e.g. 'kg per kg', 'pieces per server'")
    essential: bool = True
    year: int | None = Field(default=None, ge=1900, le=2100)

    @model_validator(mode="after")
    def _not_self(self) -> RecipeLine:
        if self.output_item == self.input_item:
            raise field_error("input_item", f"{self.input_item} cannot be an input of itself")
        return self
