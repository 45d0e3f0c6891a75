"""Domain assertions for tests of paxsilica and of tools built on it.

Example:
    >>> from types import SimpleNamespace
    >>> result = SimpleNamespace(exit_code=2, output="error: bom.csv row 3, field 'quantity': not a number\\n")
    >>> assert_one_line_error(result, "row 3", "quantity")
    "error: bom.csv row 3, field 'quantity': not a number"
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["assert_one_line_error"]


class CommandResult(Protocol):
    """What a CLI test runner returns (click's ``Result``)."""

    exit_code: int
    output: str


def assert_one_line_error(result: CommandResult, *needles: str) -> str:
    """Assert a user error as the CLI must report it: exit status 2, no traceback, one
    non-blank line starting ``error:`` that contains every needle; return that line."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.output
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]
