"""Fields every cited row carries: where the figure comes from and how sure we are.

Example:
    >>> Cited(source="USGS MCS 2025", confidence="high").basis
    'reported'
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from paxsilica.model.country import resolve_country

__all__ = ["Basis", "Cited", "Confidence", "CountryCode", "IdList", "Record", "field_error"]

Confidence = Literal["high", "medium", "low"]
Basis = Literal["reported", "estimate", "projection", "derived", "target"]


def _country(value: object) -> str:
    try:
        return resolve_country(str(value))
    except KeyError as exc:
        raise ValueError(exc.args[0]) from None


def _id_list(value: object) -> list[str]:
    if value is None or (isinstance(value, float) and value != value):  # empty or NaN cell
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    if not isinstance(value, list | tuple | set):
        return [str(value).strip()] if str(value).strip() else []  # a number in a list cell
    return [str(part).strip() for part in value if str(part).strip()]


CountryCode = Annotated[str, BeforeValidator(_country)]
"""A country or aggregate code; accepts names and ISO2/ISO3/numeric codes."""

IdList = Annotated[list[str], BeforeValidator(_id_list)]
"""A list of strings; in CSV files written as one cell joined by ``;``."""

Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_\-.]*$", max_length=120)]


def field_error(field: str, reason: str) -> PydanticCustomError:
    """An error of a check across fields (a model validator) that names the field to fix;
    the validator of :mod:`paxsilica.validate` reports it as that field of the row.

    >>> field_error("unit", "a quantity needs a unit").context["field"]
    'unit'
    """
    return PydanticCustomError("field_error", "{reason}", {"field": field, "reason": reason})


class Record(BaseModel):
    """Base of every importable record: unknown fields are an error (catches typos);
    an empty cell of a field that has a default takes the default; numbers are finite
    (``inf`` and ``nan`` are errors)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True,
                              allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _empty_cells_take_defaults(cls, data: object) -> object:
        if isinstance(data, dict):
            fields = cls.model_fields
            return {key: value for key, value in data.items()
                    if not (value is None and key in fields and not fields[key].is_required())}
        return data


class Cited(Record):
    """Provenance carried by every data row."""

    source: str = Field(min_length=1, description="Title of the source document")
    source_url: str | None = Field(default=None, description="URL, repository path or document id")
    confidence: Confidence = Field(description="high | medium | low (see docs/data.md)")
    basis: Basis = Field(
        default="reported",
        description="reported | estimate | projection | derived | target",
    )
    note: str | None = None
