"""Guard CSV cells against spreadsheet formula injection (OWASP "CSV Injection").

A spreadsheet opening a CSV runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and,
in some programs, a tab or carriage return) as a formula: ``=HYPERLINK(…)`` in a note or
a source title read from a file becomes a live link or worse. Every CSV paxsilica writes
prefixes such cells with ``'`` (which spreadsheets show as text and hide), unless the user
asks for the raw values (``--raw``). A cell that is a number (``-3.5``, ``+1e3``) is left
as it is, so numbers stay numbers. The rule lives here once: in Python for frames, and as
SQL for DuckDB's ``COPY``.

Example:
    >>> [neutralised(v) for v in ["=1+2", "-3.5", "@SUM(A1)", "\\tx", "plain", 7, None]]
    ["'=1+2", '-3.5', "'@SUM(A1)", "'\\tx", 'plain', 7, None]
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["FORMULA_START", "neutralised", "neutralised_frame", "neutralised_sql"]

FORMULA_START = "=+-@\t\r"
"""First characters that make a spreadsheet read a cell as a formula."""

_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def neutralised(value: object) -> object:
    """``value`` with ``'`` before it when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value[:1] and value[0] in FORMULA_START \
            and not _NUMBER.fullmatch(value.strip()):
        return "'" + value
    return value


def neutralised_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with :func:`neutralised` applied to every text column.

    >>> neutralised_frame(pd.DataFrame({"a": ["=x", "y"], "b": [-1.0, 2.0]})).values.tolist()
    [["'=x", -1.0], ['y', 2.0]]
    """
    guarded = frame.copy()
    for column in guarded.columns:
        values = guarded[column].tolist()
        if any(isinstance(value, str) for value in values):
            # a list, not Series.map: map would turn ints with a None into floats (5722.0)
            guarded[column] = pd.Series([neutralised(value) for value in values],
                                        index=guarded.index, dtype=object)
    return guarded


def neutralised_sql(column: str) -> str:
    """A DuckDB expression for the text column ``column`` (a quoted identifier) with
    :func:`neutralised`'s rule applied, named ``column``."""
    return (f"CASE WHEN left({column}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) AND NOT "
            f"regexp_full_match(trim({column}), '[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?') "
            f"THEN '''' || {column} ELSE {column} END AS {column}")
