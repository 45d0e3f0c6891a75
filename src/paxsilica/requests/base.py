"""The request base class: frozen, no unknown keys, every problem a ``ParameterError``.

A request is built once at the edge (:meth:`Request.parse` from a front end's inputs, or
the constructor from Python) and is valid from then on: typed fields (dates as ``date``,
enums for modes, strict numbers without ``NaN`` or infinities), and every cross-field
rule in a ``model_validator`` raising :class:`~paxsilica.errors.ParameterError` with the
field it concerns. Any invalid input raises one ``ParameterError`` naming the (first)
field and listing every problem in ``problems``.

Example:
    >>> from paxsilica.requests.exposure import ExposureRequest
    >>> ExposureRequest.parse({"as_of": "2026-01-27"}).as_of
    datetime.date(2026, 1, 27)
    >>> try:
    ...     ExposureRequest.parse({"as_of": "2026-02-30", "top": 3})
    ... except ParameterError as exc:
    ...     print(exc.field, "|", exc)
    as_of | as_of: not a date: '2026-02-30' (use YYYY-MM-DD) (and 1 more problem(s))
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any, Self

import pandas as pd
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    StrictInt,
)
from pydantic import ValidationError as PydanticError

from paxsilica.errors import NotFoundError, ParameterError, PaxsilicaError
from paxsilica.io.tables import nesting_depth
from paxsilica.limits import MAX_NESTING
from paxsilica.requests.limits import MAX_NAME_CHARS, MAX_YEAR, MIN_YEAR

__all__ = ["Day", "Document", "Fraction", "Name", "Number", "PositiveInt", "Request", "StrictBool", "Year",
           "check_names", "is_document_text", "item_choice_note", "parameter_error",
           "parse_day", "with_notes"]


def _day(value: object) -> object:
    """A ``date`` from a date or an ISO ``YYYY-MM-DD`` text; nothing else (no timestamps)."""
    if isinstance(value, datetime):
        raise ValueError("a date YYYY-MM-DD, not a date and time")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"not a date: {value!r} (use YYYY-MM-DD)") from None
    raise ValueError(f"a date YYYY-MM-DD, not {type(value).__name__}")


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


def _number(value: object) -> object:
    if isinstance(value, bool):  # True is an int to Python, never a number to a user
        raise ValueError("a number, not true/false")
    return value


Day = Annotated[date, BeforeValidator(_day)]
"""A calendar day (``date``); text must be ISO ``YYYY-MM-DD``."""
Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME_CHARS)]
"""An identifier or alias (item, stage, group, list, pack, scenario)."""
Year = Annotated[StrictInt, Field(ge=MIN_YEAR, le=MAX_YEAR)]
"""A data year."""
PositiveInt = Annotated[StrictInt, Field(ge=1)]
Number = Annotated[float, BeforeValidator(_number), AfterValidator(_finite)]
"""A finite number (no ``NaN``, no infinity, no ``true``)."""
def _document(value: dict) -> dict:
    if nesting_depth(value, MAX_NESTING) > MAX_NESTING:
        raise ValueError(f"nested more than {MAX_NESTING} levels deep")
    return value


Document = Annotated[dict, AfterValidator(_document)]
"""A scenario or problem sent as an object: nested at most
:data:`~paxsilica.limits.MAX_NESTING` levels (as a YAML file may be), so nothing that reads
it next runs out of recursion."""


def _fraction(value: float) -> float:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"must be a number from 0 to 1, not {value}")
    return value


Fraction = Annotated[float, Field(allow_inf_nan=True), BeforeValidator(_number),
                     AfterValidator(_fraction)]
"""A share or score 0-1."""


def _field(loc: tuple) -> str | None:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif str(part)[:1].isupper() or str(part) in {"str", "int", "float", "bool", "dict",
                                                      "list", "none", "date"}:
            continue  # the union member pydantic tried (``str``, ``ScreenName``)
        elif "[" in str(part) or "(" in str(part):
            continue  # a constrained type's tag (``function-after[...]``)
        else:
            text += f".{part}" if text else str(part)
    return text or None


def parameter_error(exc: PydanticError, prefix: str = "") -> ParameterError:
    """One :class:`ParameterError` for every problem pydantic found (the first names the
    field; ``problems`` holds them all). A rule that raised a ``ParameterError`` keeps its
    own field and message."""
    problems: list[tuple[str | None, str]] = []
    for error in exc.errors():
        original = (error.get("ctx") or {}).get("error")
        if isinstance(original, ParameterError):  # a rule's, or a nested request's problems
            problems.extend((f"{prefix}{field}" if field and prefix else field, reason)
                            for field, reason in original.problems)
            continue
        if isinstance(original, PaxsilicaError):
            field = original.field
            problems.append((f"{prefix}{field}" if field and prefix else field, str(original)))
            continue
        field = _field(tuple(error.get("loc", ())))
        field = f"{prefix}{field}" if field and prefix else (field or prefix.rstrip(".") or None)
        reason = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        if error.get("type") == "extra_forbidden":
            reason = "unknown parameter"
        problems.append((field, f"{field}: {reason}" if field else reason))
    message = problems[0][1]
    if len(problems) > 1:
        message += f" (and {len(problems) - 1} more problem(s))"
    return ParameterError(message, field=problems[0][0], problems=problems)


class Request(BaseModel):
    """A question to the library, validated when built; immutable afterwards.

    ``local_files`` (given to :meth:`parse`, default True) says whether names may be
    paths of files on this machine (the CLI and Python users: yes; the service: never,
    a request over HTTP names no file on the server).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False,
                              arbitrary_types_allowed=True)
    _local_files: bool = PrivateAttr(default=True)

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except PydanticError as exc:
            raise parameter_error(exc) from None

    @classmethod
    def parse(cls, values: Mapping[str, object] | None = None, /, *, local_files: bool = True,
              **more: object) -> Self:
        """The request from a mapping of inputs (and keywords); ``None`` values count as
        not given (the defaults apply). Raises :class:`ParameterError`."""
        data = {key: value for key, value in {**(values or {}), **more}.items()
                if value is not None}
        try:
            request = cls.model_validate(data, context={"local_files": local_files})
        except PydanticError as exc:
            raise parameter_error(exc) from None
        request._local_files = local_files
        return request

    @property
    def local_files(self) -> bool:
        """Whether names may be paths of files on this machine."""
        return self._local_files

    def options(self) -> dict[str, object]:
        """The request as JSON-ready values (dates ISO text), e.g. to store with a job."""
        return self.model_dump(mode="json")


def check_names(net: object, **names: str | list[str] | None) -> None:
    """Unknown ``item``, ``stage``, ``group`` or ``concern`` (of a
    :class:`~paxsilica.model.network.StackNetwork`) → :class:`NotFoundError` naming the
    parameter (``field``); list values are checked name by name."""
    for parameter, value in names.items():
        for name in value if isinstance(value, list) else [value]:
            if name is None:
                continue
            try:
                if parameter in ("group", "concern"):
                    net.group(name)  # type: ignore[attr-defined]
                elif parameter == "stage":
                    if name not in net.stage_order:  # type: ignore[attr-defined]
                        raise NotFoundError(f"unknown stage {name!r} (known: "
                                            f"{', '.join(net.stages['stage_id'])})")  # type: ignore[attr-defined]
                elif parameter == "item":
                    net.resolve_items(name)  # type: ignore[attr-defined]
            except PaxsilicaError as exc:
                raise NotFoundError(str(exc), field=parameter) from None


def item_choice_note(net: object, name: str, stage: str | None = None) -> str | None:
    """When ``item=name`` (and ``stage``) selects items other than the one whose id is
    ``name`` (an alias, or an id the stage excludes), one line saying which and why, so
    that no answer is silently about another item; ``None`` otherwise."""
    chosen = net.resolve_items(name, stage)  # type: ignore[attr-defined]
    key = name.strip().lower()
    if chosen == [key]:
        return None
    items = net.items  # type: ignore[attr-defined]
    stage_of = dict(zip(items["item_id"], items["stage"], strict=True))
    listed = ", ".join(f"{item} ({stage_of.get(item)})" for item in chosen)
    where = f" at stage {stage}" if stage else ""
    message = f"note: item {name}{where} selects {listed}, through the alias {key!r}"
    if key in stage_of:
        message += (f"; the item with id {key} is at stage {stage_of[key]} "
                    f"(give item {key} and stage {stage_of[key]} for it)")
    elif len(chosen) > 1:
        message += "; give an item id to select one"
    return message


def with_notes(frame: pd.DataFrame, title: str, notes: list[str]) -> pd.DataFrame:
    """``frame`` labelled for printing: ``attrs["title"]`` and ``attrs["notes"]`` (lines a
    front end shows beside the table, e.g. on standard error)."""
    frame.attrs["title"] = title
    frame.attrs["notes"] = [note for note in notes if note]
    return frame


def parse_day(value: object, field: str) -> date | None:
    """``value`` as a ``date`` (``None`` stays ``None``); a bad one is a
    :class:`ParameterError` naming ``field``.

    >>> parse_day("2026-01-27", "as_of"), parse_day(None, "as_of")
    (datetime.date(2026, 1, 27), None)
    """
    if value is None:
        return None
    try:
        return _day(value)  # type: ignore[return-value]
    except ValueError as exc:
        raise ParameterError(f"{field}: {exc}", field=field) from None


def is_document_text(spec: str) -> bool:
    """Whether a string is a YAML document rather than a name or a path (a name or path
    holds no line break and no ``key: value``).

    >>> is_document_text("name: x\\ndays: 3"), is_document_text("plans/p.yaml")
    (True, False)
    """
    text = spec.strip()
    return "\n" in text or ": " in text or text.endswith(":") or text.startswith(("{", "[", "- "))
