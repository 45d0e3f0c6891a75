"""Numbers in input models are numbers: ``days: true`` is refused, not read as 1 day.

Pydantic (lax mode) accepts ``True`` for an ``int`` or ``float`` field. Input models call
:func:`refuse_bool_numbers` from a ``mode="before"`` model validator, so a boolean where
the field takes no boolean is an error naming the key.

Example:
    >>> from pydantic import BaseModel, model_validator
    >>> class Run(BaseModel):
    ...     days: int
    ...     quiet: bool = False
    ...     _numbers = model_validator(mode="before")(refuse_bool_numbers)
    >>> Run.model_validate({"days": 3, "quiet": True}).days
    3
    >>> Run.model_validate({"days": True})
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for Run
    ...
"""

from __future__ import annotations

import types
import typing
from typing import Any, get_args, get_origin

from pydantic import BaseModel

__all__ = ["refuse_bool_numbers"]


def _takes_bool(annotation: object) -> bool:
    """Whether a field of this annotation may hold a boolean (``bool``, ``Any``, a union or
    container with one, a literal of ``True``/``False``)."""
    if annotation is bool or annotation is Any or annotation is object:
        return True
    origin = get_origin(annotation)
    if origin is typing.Literal:
        return any(isinstance(arg, bool) for arg in get_args(annotation))
    if origin is typing.Annotated:
        return _takes_bool(get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return any(_takes_bool(arg) for arg in get_args(annotation))
    return False


def _numeric(annotation: object) -> bool:
    """Whether the annotation takes a plain number (int, float or a union holding one)."""
    if annotation in (int, float):
        return True
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return _numeric(get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return any(_numeric(arg) for arg in get_args(annotation))
    return False


def refuse_bool_numbers(cls: type[BaseModel], data: object) -> object:
    """``data`` unchanged, after checking that no numeric field of ``cls`` is given a
    boolean (use as ``model_validator(mode="before")``).

    Raises:
        ValueError: naming the key and the value.
    """
    if not isinstance(data, dict):
        return data
    for name, info in cls.model_fields.items():
        key = info.alias if info.alias and info.alias in data else name
        value = data.get(key)
        annotation = info.annotation
        if isinstance(value, list) and get_origin(annotation) is list:  # years: [2026, true]
            annotation = get_args(annotation)[0] if get_args(annotation) else object
            value = next((v for v in value if isinstance(v, bool)), None)
        if isinstance(value, bool) and _numeric(annotation) and not _takes_bool(annotation):
            raise ValueError(f"{key}: {str(value).lower()} is not a number")
    return data
