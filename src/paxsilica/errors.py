"""Exceptions raised by paxsilica for user-facing problems.

Every error a user can cause (bad file, unknown name, corrupt key) is a
:class:`PaxsilicaError`; the CLI prints its message on one line and exits with
status 2 instead of showing a traceback.

Example:
    >>> err = ValidationError([RowError("s.csv", 3, "country", "unknown country 'Atlantis'")])
    >>> str(err)
    "s.csv row 3, field 'country': unknown country 'Atlantis'"
"""

from __future__ import annotations

from dataclasses import dataclass


class PaxsilicaError(Exception):
    """Base class of every error a user can cause and fix."""


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


class NotFoundError(PaxsilicaError):
    """A named item, stage, group or list does not exist."""


class InfeasibleError(PaxsilicaError):
    """An optimisation problem has no feasible solution."""


class SolverError(PaxsilicaError, ArithmeticError):
    """A linear system ``(I − M) x = b`` has no (finite, non-negative) solution, or an
    iterative method did not reach it: ``M`` has a cycle that amplifies (spectral radius
    1 or more), e.g. an IO column summing to 1 or ownership loops of 100%."""
