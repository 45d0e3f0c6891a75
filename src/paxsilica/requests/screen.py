"""Screening: names against restricted-party lists (and ownership chains), explained.

Names come as a list (the service, Python) or a file on this machine (the CLI); lists are
``bundled:NAME``, a stored list's name or, for local requests only, a list file.

Example:
    >>> request = ScreenRequest(names=["Huawei Technologies Co Ltd", "Acme Tools"],
    ...                         lists=["bundled:fcc_covered"])
    >>> answer = answer_screen(request)
    >>> [(r["name"], len(r["matches"]) > 0) for r in answer.records()]
    [('Huawei Technologies Co Ltd', True), ('Acme Tools', False)]
    >>> ScreenRequest(names=["x"], names_file="n.csv", lists=["bundled:fcc_covered"])
    Traceback (most recent call last):
    ...
    paxsilica.errors.ParameterError: give names or names_file, not both
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Self

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from paxsilica.certify.api import check_queries, read_ownership_links, read_queries
from paxsilica.certify.lists import RestrictedList, load_stored_list, resolve_lists
from paxsilica.certify.ownership import store_ownership
from paxsilica.certify.screen import match_records, screen_names
from paxsilica.errors import ParameterError, PaxsilicaError
from paxsilica.io.restricted import check_ownership
from paxsilica.requests.base import Fraction, Name, Number, Request, StrictBool
from paxsilica.requests.limits import (
    MAX_LISTS,
    MAX_NAME_CHARS,
    MAX_NAME_LENGTH,
    MAX_NAMES,
    MAX_OWNERSHIP_LINKS,
    MAX_TEXT_CHARS,
)
from paxsilica.store import Store

__all__ = ["NameQuery", "OwnershipLink", "ScreenAnswer", "ScreenRequest", "answer_screen",
           "opened_store", "restricted_lists"]

StoreSource = Store | Callable[[], Store] | None
"""A store, a function opening one when first needed, or none."""
PartyName = Annotated[str, Field(min_length=1, max_length=MAX_NAME_LENGTH)]


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class NameQuery(_Row):
    """One name to screen; ``names[i]`` is row i in error messages."""

    query_id: Annotated[str, Field(min_length=1, max_length=MAX_NAME_CHARS)]
    name: PartyName
    country: Annotated[str, Field(max_length=MAX_NAME_CHARS)] | None = None
    identifiers: Annotated[str, Field(max_length=MAX_TEXT_CHARS)] | None = None
    """``;``-separated."""


class OwnershipLink(_Row):
    """One ownership link (``ownership[i]`` is row i)."""

    owner: PartyName
    owned: PartyName
    percentage: Number
    """Percent held, (0, 100]."""


def opened_store(store: StoreSource) -> Store | None:
    """The store itself, or the one the function opens (``None`` stays ``None``)."""
    return store() if callable(store) else store


def restricted_lists(specs: list[str], store: StoreSource, *,
                     local_files: bool) -> list[RestrictedList]:
    """The lists ``specs`` name: ``bundled:NAME``, a stored list's name or (only when
    ``local_files``) a list file; errors name ``lists[i]``. The store is opened only when
    a spec needs it."""
    if local_files:
        needs_store = not all(s.startswith("bundled:") or Path(s).is_file() for s in specs)
        return resolve_lists(specs, opened_store(store) if needs_store else None)
    found = []
    for position, spec in enumerate(specs):
        try:
            if spec.startswith("bundled:"):
                found.extend(resolve_lists([spec]))
            else:
                opened = opened_store(store)
                if opened is None:
                    raise ParameterError(f"no stored list {spec!r}: no database")
                found.append(load_stored_list(opened, spec))
        except PaxsilicaError as exc:
            raise ParameterError(str(exc), field=f"lists[{position}]") from None
    return found


class ScreenRequest(Request):
    """``paxsilica screen`` / ``POST /api/v1/screen``."""

    names: Annotated[list[NameQuery | PartyName], Field(min_length=1, max_length=MAX_NAMES)] | None = None
    """Names to screen; a plain string is ``{query_id: its position, name}``."""
    names_file: Path | None = None
    """A names file ``query_id,name[,country]`` on this machine (instead of ``names``)."""
    lists: Annotated[list[Name], Field(min_length=1, max_length=MAX_LISTS)]
    threshold: Fraction | None = None
    """Minimum score 0-1 (default: the model's, 0.70)."""
    ownership: Annotated[list[OwnershipLink], Field(max_length=MAX_OWNERSHIP_LINKS)] | None = None
    """Ownership links: also flag names controlled 50 %+ by listed parties."""
    ownership_file: Path | None = None
    """Ownership links file (CSV ``owner,owned,percentage`` or FtM JSON lines)."""
    store_ownership: StrictBool = False
    """Also use the store's ownership and companies tables."""

    @model_validator(mode="after")
    def _rules(self, info: ValidationInfo) -> Self:
        if (self.names is None) == (self.names_file is None):
            raise ParameterError("give names or names_file, not both" if self.names else
                                 "give names (or names_file)", field="names")
        if self.ownership is not None and self.ownership_file is not None:
            raise ParameterError("give ownership or ownership_file, not both", field="ownership")
        remote = info.context is not None and not info.context.get("local_files", True)
        for field in ("names_file", "ownership_file"):
            if remote and getattr(self, field) is not None:
                raise ParameterError(f"{field} names a file on this machine; a remote "
                                     "request sends its rows instead", field=field)
        return self

    def queries(self) -> pd.DataFrame:
        """The names to screen, checked (ids unique, names present, countries known)."""
        if self.names_file is not None:
            return read_queries(self.names_file)
        rows = [{"query_id": str(i), "name": name} if isinstance(name, str) else name.model_dump()
                for i, name in enumerate(self.names or [])]
        frame = pd.DataFrame(rows, columns=["query_id", "name", "country", "identifiers"])
        frame = frame.astype(object).where(frame.notna(), None)
        frame = frame[[c for c in frame.columns
                       if c in ("query_id", "name") or frame[c].notna().any()]]
        return check_queries(frame, "names", rows=list(range(len(frame))))  # names[i] is row i


@dataclass(frozen=True)
class ScreenAnswer:
    """The checked queries and their matches (best first)."""

    queries: pd.DataFrame
    matches: pd.DataFrame

    def records(self) -> list[dict]:
        """``[{query_id, name, matches: [...]}]``, as ``--format json`` prints it."""
        return match_records(self.queries, self.matches)


def answer_screen(request: ScreenRequest, store: StoreSource = None) -> ScreenAnswer:
    """Screen the request's names against its lists (``store``: for stored lists and the
    store's ownership links; opened only when needed).

    Raises:
        ValidationError: a bad names or ownership file or row. ParameterError /
            NotFoundError: an unknown list (``lists[i]``).
    """
    queries = request.queries()
    lists = restricted_lists(list(request.lists), store, local_files=request.local_files)
    links, node_names = [], {}
    if request.ownership_file is not None:
        links.append(read_ownership_links(request.ownership_file))
    if request.ownership is not None:
        frame = pd.DataFrame([link.model_dump() for link in request.ownership],
                             columns=["owner", "owned", "percentage"])
        links.append(check_ownership(frame, "ownership", first_row=0))
    if request.store_ownership:
        opened = opened_store(store)
        if opened is None:
            raise ParameterError("store_ownership needs a database", field="store_ownership")
        stored, node_names = store_ownership(opened)
        links.append(stored)
    matches = screen_names(queries, lists, threshold=request.threshold, links=links,
                           names=node_names)
    return ScreenAnswer(queries, matches)
