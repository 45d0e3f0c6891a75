"""Exceptions raised by paxsilica for user-facing problems: the one hierarchy.

Every error a user can cause (bad file, unknown name, corrupt key) is a
:class:`PaxsilicaError`; the CLI prints its message on one line and exits with
status 2 instead of showing a traceback. Library messages name parameters
(``top``, ``threshold``), never command-line flags: the same call is made from
Python, the CLI and the service.

::

    PaxsilicaError
    ├── ValidationError   input rows failed checks (every RowError); nothing written
    ├── StoreError        the database cannot be opened, read or written
    │   └── StoreBusyError  another process is writing it (try again)
    ├── NotFoundError     unknown item, stage, group, country, kind, list (also a KeyError)
    ├── ParameterError    a parameter out of range or of the wrong kind (also a ValueError)
    ├── CycleError        recipes feed back into their own inputs
    ├── CertificateError  a certificate or key that does not verify
    ├── SolverError       a linear system that cannot be solved (also an ArithmeticError)
    └── InfeasibleError   an optimisation problem without a feasible solution

Example:
    >>> err = ValidationError([RowError("s.csv", 3, "country", "unknown country 'Atlantis'")])
    >>> str(err)
    "s.csv row 3, field 'country': unknown country 'Atlantis'"
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["CertificateError", "CycleError", "InfeasibleError", "NotFoundError", "ParameterError",
           "PaxsilicaError", "RowError", "SolverError", "StoreBusyError", "StoreError",
           "ValidationError"]


class PaxsilicaError(Exception):
    """Base class of every error a user can cause and fix.

    ``field`` names the parameter at fault where one is (``None`` otherwise): the service
    answers 422 naming it; the CLI prints the message.
    """

    field: str | None = None


@dataclass(frozen=True)
class RowError:
    """One problem in one input row.

    ``row`` is the 1-based line of the file the row starts on (the header is line 1,
    the first data row line 2 unless blank lines or a quoted cell spanning lines come
    before it; a text editor shows the same number); the record number for YAML and
    Parquet; ``None`` when the problem concerns the whole file (a missing column).
    """

    file: str
    row: int | None
    field: str | None
    reason: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.reason}"


class ValidationError(PaxsilicaError):
    """Input failed validation; nothing was written.

    ``errors`` holds every problem found (all rows are checked before raising).
    The message is the first problem, plus a count of the others.
    """

    def __init__(self, errors: list[RowError]) -> None:
        if not errors:
            raise ValueError("ValidationError needs at least one RowError")
        self.errors = list(errors)
        message = str(self.errors[0])
        if len(self.errors) > 1:
            message += f" (and {len(self.errors) - 1} more problem(s))"
        super().__init__(message)


class StoreError(PaxsilicaError):
    """The database could not be opened, read or written."""


class StoreBusyError(StoreError):
    """Another process is writing the database; readers are not affected."""


class NotFoundError(PaxsilicaError, KeyError):
    """A named item, stage, group, country, record kind or list does not exist.

    Also a :class:`KeyError`, so that code written against dictionaries still catches
    it; unlike a bare ``KeyError`` its message is shown as written:

    >>> str(NotFoundError("unknown item 'x'"))
    "unknown item 'x'"
    >>> NotFoundError("unknown item 'x'", field="item").field
    'item'
    """

    def __init__(self, message: str = "", *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""

    def __reduce__(self) -> tuple:
        return (_rebuild, (type(self), str(self), {"field": self.field}))


class ParameterError(PaxsilicaError, ValueError):
    """A parameter value out of range or of the wrong kind (``top=0``, ``mode='x'``).

    ``field`` names the parameter; ``problems`` lists every ``(field, reason)`` found when
    a request had several (the message is the first, plus a count of the others).

    >>> err = ParameterError("days: must be at most 3650", field="days")
    >>> err.field, err.problems
    ('days', [('days', 'days: must be at most 3650')])
    """

    def __init__(self, message: str = "", *, field: str | None = None,
                 problems: Sequence[tuple[str | None, str]] = ()) -> None:
        super().__init__(message)
        self.field = field
        self.problems = list(problems) or [(field, message)]

    def __reduce__(self) -> tuple:
        return (_rebuild, (type(self), str(self.args[0]) if self.args else "",
                           {"field": self.field, "problems": self.problems}))


def _rebuild(kind: type, message: str, options: dict) -> PaxsilicaError:
    """Unpickle an error with keyword arguments (errors cross process boundaries on Dask)."""
    return kind(message, **options)


class CycleError(PaxsilicaError):
    """A cycle in the sourcing network (recipes feeding back into their own inputs) that
    the propagation cannot resolve; ``items`` names the items on the cycle."""

    def __init__(self, reason: str, items: Sequence[str]) -> None:
        self.items = tuple(items)
        where = (f": cycle through {', '.join(self.items[:12])}"
                 + (f" (+{len(self.items) - 12} more)" if len(self.items) > 12 else "")
                 if self.items else "")
        super().__init__(f"{reason}{where}; check recipes.csv for inputs that feed back "
                         "into their own outputs")


class CertificateError(PaxsilicaError):
    """A certificate, signature or key that is malformed or does not verify."""


class InfeasibleError(PaxsilicaError):
    """An optimisation problem has no feasible solution."""


class SolverError(PaxsilicaError, ArithmeticError):
    """A linear system ``(I − M) x = b`` has no (finite, non-negative) solution, or an
    iterative method did not reach it: ``M`` has a cycle that amplifies (spectral radius
    1 or more), e.g. an IO column summing to 1 or ownership loops of 100%."""
