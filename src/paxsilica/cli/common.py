"""Options and helpers shared by every command: the database, output formats."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from paxsilica.store import Store, default_db_path, open_store

__all__ = ["DbOption", "OutputFormat", "console", "emit", "err_console", "flat", "store_for"]

console = Console()
if not console.is_terminal:  # piped output: do not squeeze tables into 80 columns
    console = Console(width=220)
err_console = Console(stderr=True)

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="DuckDB file (default: the user data dir); created and filled "
                              "with the bundled data on first use. ':memory:' for a scratch one.",
                 show_default=False),
]


class OutputFormat(StrEnum):
    """How a command prints a result table."""

    table = "table"
    json = "json"
    csv = "csv"


def store_for(ctx: typer.Context, db: Path | None, *, read_only: bool = False) -> Store:
    """Open the store named by the command's ``--db``, else the global one, else the default;
    ``read_only`` for commands that only read (they never write an existing current file)."""
    chosen = db or (ctx.obj or {}).get("db") or default_db_path()
    return open_store(chosen, read_only=read_only)


def _jsonable(value: object) -> object:
    if isinstance(value, float) and value != value:  # NaN
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[union-attr]
    if hasattr(value, "item"):
        return value.item()  # type: ignore[union-attr]
    return value


def flat(frame: pd.DataFrame) -> pd.DataFrame:
    """List cells ``;``-joined, as in input files (CSV and text output).

    >>> flat(pd.DataFrame({"a": [["x", "y"], []], "b": [1, 2]})).values.tolist()
    [['x;y', 1], ['', 2]]
    """
    flat = frame.copy()
    for column in flat.columns:
        if flat[column].map(lambda value: isinstance(value, list | tuple | set)).any():
            flat[column] = flat[column].map(
                lambda value: ";".join(str(part) for part in value)
                if isinstance(value, list | tuple | set) else value)
    return flat


def emit(frame: pd.DataFrame | list[dict], fmt: OutputFormat, title: str = "",
         output: Path | None = None) -> None:
    """Print (or write to ``output``) a table as a rich table, JSON records or CSV.

    List cells are JSON arrays in JSON and ``;``-joined in CSV and tables.
    """
    if isinstance(frame, list):
        records = frame
        frame = pd.DataFrame(records)
    else:
        records = [{key: _jsonable(value) for key, value in row.items()}
                   for row in frame.to_dict("records")]
    if fmt is OutputFormat.json:
        text = json.dumps(records, indent=2, ensure_ascii=False, default=_jsonable)
    elif fmt is OutputFormat.csv:
        text = flat(frame).to_csv(index=False)
    else:
        # Text(...) so that "[...]" in data is shown as written, not parsed as rich markup
        table = RichTable(title=Text(title) if title else None, show_lines=False)
        for column in frame.columns:
            table.add_column(Text(str(column)), no_wrap=column != "sources", overflow="ellipsis")
        for row in frame.itertuples(index=False):
            table.add_row(*[Text(_cell(value)) for value in row])
        if output is None:
            console.print(table)
            return
        text = flat(frame).to_string(index=False)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        err_console.print(f"wrote {output}", markup=False)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _cell(value: object) -> str:
    """A table cell: integral numbers without a decimal point or exponent, 1000 and more
    with thousands separators, others to 4 significant digits.

    >>> [_cell(v) for v in (10000.0, 4923.7, 0.68542, 2024, None, ["a", "b"])]
    ['10,000', '4,924', '0.6854', '2024', '', 'a; b']
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and abs(value) >= 1000:
        return f"{value:,.0f}"
    if isinstance(value, float) and value.is_integer():
        return f"{value:.0f}"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        return "; ".join(str(part) for part in value)
    return str(value)
