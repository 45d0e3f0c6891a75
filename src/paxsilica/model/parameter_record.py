"""The item-parameter record and the declared parameters (``catalog/parameters.yaml``).

Kept apart from :mod:`paxsilica.model.parameters` (the network accessor) so that the record
kinds can import the record without importing the network.

A row says, for one item, country (``WLD`` by default) and year, the value of one declared
parameter: world output, price, value-added ratio, qualification time, substitutable share,
service life or consumption share. The parameters themselves are data
(``catalog/parameters.yaml``): unit rule, valid range, which countries and items they apply to.

Example:
    >>> row = ItemParameter(item_id="gallium", parameter="price", year=2024, value=520,
    ...                     unit="USD/kg Ga", source="USGS MCS 2025", confidence="high")
    >>> row.country, row.basis
    ('WLD', 'reported')
    >>> parameter_specs()["value_added_ratio"].unit
    'share'
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from paxsilica.model.provenance import Cited, CountryCode, Identifier, field_error

__all__ = ["ItemParameter", "ParameterBasis", "ParameterSpec", "output_unit_problem",
           "parameter_specs", "price_unit"]

ParameterBasis = Literal["reported", "estimate", "projection", "derived", "assumption"]
"""``assumption``: a modelling choice with its reasoning in ``note`` where no source gives a
figure (docs/data.md); never ``high``."""

LITERAL_UNITS = {"share", "days", "years"}


class ParameterSpec(BaseModel):
    """One declared parameter (an entry of ``catalog/parameters.yaml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Identifier
    unit: Literal["output", "price", "share", "days", "years"]
    countries: Literal["world", "any", "not_world"] = "any"
    items: Literal["any", "capital"] = "any"
    min: float | None = None
    min_exclusive: bool = False
    max: float | None = None
    sum_max: float | None = None
    description: str = Field(min_length=1)

    def range_problem(self, value: float) -> str | None:
        """Why ``value`` is outside this parameter's valid range, or ``None``.

        >>> parameter_specs()["price"].range_problem(0)
        'price must be greater than 0'
        """
        if self.min is not None and (value < self.min or (self.min_exclusive
                                                          and value == self.min)):
            bound = "greater than" if self.min_exclusive else "at least"
            return f"{self.name} must be {bound} {self.min:g}"
        if self.max is not None and value > self.max:
            return f"{self.name} must be at most {self.max:g}"
        return None


@cache
def parameter_specs() -> dict[str, ParameterSpec]:
    """The declared parameters of ``catalog/parameters.yaml``, by name."""
    text = resources.files("paxsilica.catalog").joinpath("parameters.yaml").read_text("utf-8")
    return {entry["name"]: ParameterSpec(**entry) for entry in yaml.safe_load(text)["parameters"]}


def price_unit(output_unit: str) -> str:
    """The unit of a price per ``output_unit``.

    >>> price_unit("kg Ga")
    'USD/kg Ga'
    """
    return f"USD/{output_unit}"


def output_unit_problem(unit: str) -> str | None:
    """Why ``unit`` cannot measure an item's output (a share, a percentage, money), or
    ``None`` when it is a quantity unit.

    >>> output_unit_problem("t"), output_unit_problem("share")
    (None, "'share' is not a quantity unit (give tonnes, kg, units…)")
    """
    lowered = unit.strip().lower()
    if lowered in {"share", "%", "percent", "fraction"} or "usd" in lowered or "$" in lowered:
        return f"'{unit}' is not a quantity unit (give tonnes, kg, units…)"
    return None


class ItemParameter(Cited):
    """One cited value of one parameter of one item, country and year.

    ``low``/``high`` (optional) are the range where sources differ or the figure is
    uncertain; ``low <= value <= high``. Units follow the parameter's unit rule; the rules
    that need the item catalogue (output and price units, capital items) are checked on
    import by :mod:`paxsilica.validate.parameters`.
    """

    item_id: Identifier
    parameter: Identifier = Field(description="A name declared in catalog/parameters.yaml")
    country: CountryCode = Field(default="WLD", description="ISO3, a region, or WLD (world)")
    year: int = Field(ge=1900, le=2100, description="Year the figure refers to")
    value: float = Field(description="In `unit`")
    unit: str = Field(min_length=1, description="Per the parameter's unit rule")
    low: float | None = Field(default=None, description="Lower end of the range, in `unit`")
    high: float | None = Field(default=None, description="Upper end of the range, in `unit`")
    basis: ParameterBasis = Field(
        default="reported",
        description="reported | estimate | projection | derived | assumption")

    @field_validator("parameter")
    @classmethod
    def _declared(cls, name: str) -> str:
        if name not in parameter_specs():
            raise ValueError(f"unknown parameter '{name}' (known: {', '.join(parameter_specs())})")
        return name

    @model_validator(mode="after")
    def _consistent(self) -> ItemParameter:
        spec = parameter_specs()[self.parameter]
        for field in ("value", "low", "high"):
            number = getattr(self, field)
            problem = None if number is None else spec.range_problem(number)
            if problem:
                raise field_error(field, f"{problem} (got {number:g})")
        if self.low is not None and self.low > self.value:
            raise field_error("low", f"low {self.low:g} is above value {self.value:g}")
        if self.high is not None and self.high < self.value:
            raise field_error("high", f"high {self.high:g} is below value {self.value:g}")
        if spec.unit in LITERAL_UNITS and self.unit != spec.unit:
            raise field_error("unit", f"{self.parameter} is measured in '{spec.unit}', "
                                      f"not '{self.unit}'")
        if spec.countries == "world" and self.country != "WLD":
            raise field_error("country", f"{self.parameter} is a world figure: country must "
                                         f"be WLD, not '{self.country}'")
        if spec.countries == "not_world" and self.country == "WLD":
            raise field_error("country", f"{self.parameter} is a share of world use by one "
                                         "country or region: give its code, not WLD")
        if self.basis == "assumption" and self.confidence == "high":
            raise field_error("confidence", "an assumption cannot have confidence 'high'")
        return self
