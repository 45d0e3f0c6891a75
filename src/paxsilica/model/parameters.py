"""Item parameters: the economy's data about each catalogue item (issue 18, contract B).

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

from datetime import date
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from paxsilica.errors import NotFoundError, ParameterError
from paxsilica.model.provenance import Cited, CountryCode, Identifier, field_error

if TYPE_CHECKING:
    from paxsilica.model.network import StackNetwork

__all__ = ["PARAMETER_COLUMNS", "ItemParameter", "ParameterBasis", "ParameterSpec",
           "item_parameter", "output_unit_problem", "parameter_specs", "price_unit"]

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


PARAMETER_COLUMNS = ["item_id", "country", "year", "value", "low", "high", "unit", "basis",
                     "confidence", "source", "source_url", "note"]


def _year_limit(as_of: date | str | int | None) -> int:
    if isinstance(as_of, int) and not isinstance(as_of, bool):
        return as_of
    from paxsilica.model.network import as_date

    return as_date(as_of).year  # type: ignore[arg-type]


def item_parameter(net: StackNetwork, name: str, *,
                   as_of: date | str | int | None = None) -> pd.DataFrame:
    """The latest figures of parameter ``name``: one row per item (and country, for
    parameters given by country), from each item's latest year on or before ``as_of``
    whose rows are not projections.

    ``as_of``: a date, ISO date or year (``None``: today). The year is chosen per item, so
    the countries of one item all come from one year. ``low``/``high`` equal ``value``
    where the row gives no range (``ranged`` says which rows gave one). Columns
    :data:`PARAMETER_COLUMNS` + ``ranged``, sorted by item and country; items without a
    row are absent (unsized, unpriced…), never zero.

    Raises:
        NotFoundError: ``name`` is not a declared parameter (the message lists them).

    >>> from paxsilica.model.network import StackNetwork
    >>> from paxsilica.store import open_store
    >>> net = StackNetwork.from_store(open_store(":memory:"))
    >>> prices = item_parameter(net, "price", as_of=2025)
    >>> prices.set_index("item_id").loc["gallium", "unit"]
    'USD/kg Ga'
    """
    if name not in parameter_specs():
        raise NotFoundError(f"unknown parameter {name!r} (known: {', '.join(parameter_specs())})")
    limit = _year_limit(as_of)
    if limit < 1900:
        raise ParameterError(f"as_of year {limit} is before 1900")
    rows = net.item_parameters
    if rows.empty:
        return pd.DataFrame(columns=[*PARAMETER_COLUMNS, "ranged"])
    rows = rows[(rows["parameter"] == name) & (rows["basis"] != "projection")
                & (rows["year"].astype(int) <= limit)]
    latest = rows.groupby("item_id")["year"].transform("max")
    rows = rows[rows["year"] == latest]
    out = rows.reindex(columns=PARAMETER_COLUMNS).astype({"value": float, "low": float,
                                                          "high": float})
    out["ranged"] = out["low"].notna() | out["high"].notna()
    out["low"] = out["low"].fillna(out["value"])
    out["high"] = out["high"].fillna(out["value"])
    return out.sort_values(["item_id", "country"]).reset_index(drop=True)
