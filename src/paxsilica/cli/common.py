"""Options and helpers shared by every command: the database, output formats.

Light on purpose: every command module imports this one to declare its options, and
``paxsilica --help`` imports every command module, so nothing here imports pandas, the
store or any other heavy library at module level (they load inside the functions that
use them; ``tests/cli/test_light.py`` holds the CLI to that).
"""

from __future__ import annotations

import json
import os
import sys
from contextvars import ContextVar
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

if TYPE_CHECKING:
    import pandas as pd

    from paxsilica.model.network import StackNetwork
    from paxsilica.store import Store

__all__ = ["RAW_CSV", "DbOption", "OutputFormat", "WideOption", "console", "emit", "err_console", "flat", "network_for",
           "print_notes", "store_for"]

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


WideOption = Annotated[bool, typer.Option(
    "--wide", help="Tables: show every column (sources, URLs, notes) in full, wrapping long text")]


class OutputFormat(StrEnum):
    """How a command prints a result table."""

    table = "table"
    json = "json"
    csv = "csv"


def _chosen_db(ctx: typer.Context, db: Path | None) -> str | Path:
    """The command's ``--db``, else the global one, else the default path."""
    from paxsilica.store.paths import default_db_path

    return db or (ctx.obj or {}).get("db") or default_db_path()


def store_for(ctx: typer.Context, db: Path | None, *, read_only: bool = False) -> Store:
    """Open the store named by the command's ``--db``, else the global one, else the default;
    ``read_only`` for commands that only read (they never write an existing current file)."""
    from paxsilica.store.bundled import open_store

    return open_store(_chosen_db(ctx, db), read_only=read_only)


NETWORKS_KEPT = 8
"""Networks of database versions kept in the result cache (about 0.6 MB each for the
bundled data)."""


class _FileChangedError(Exception):
    """The database file was replaced between its ``stat`` and the reading of its tables."""


def network_for(ctx: typer.Context, db: Path | None) -> StackNetwork:
    """The stack network of the command's store (read-only). Built from a database file
    once per version of that file and then read from the result cache
    (:mod:`paxsilica.io.result_cache`), so a query on an unchanged database neither opens
    DuckDB nor rebuilds the network's tables. The key is the file's path and identity
    (:func:`~paxsilica.store.paths.identity`: every write replaces the file, so it changes);
    a file replaced while its tables are read is not kept."""
    from paxsilica.io.result_cache import cached
    from paxsilica.model.network import StackNetwork
    from paxsilica.store.paths import identity as file_identity

    def fresh() -> StackNetwork:
        return StackNetwork.from_store(store_for(ctx, db, read_only=True))

    chosen = _chosen_db(ctx, db)
    file = Path(chosen)
    identity = None if str(chosen) == ":memory:" else file_identity(file)
    if identity is None or identity[2] == 0 or not os.access(file, os.R_OK):
        return fresh()  # in memory, or a file the store creates or explains

    def build() -> StackNetwork:
        store = store_for(ctx, db, read_only=True)
        with store.snapshot():
            if store.version != identity:
                raise _FileChangedError
            return StackNetwork.from_store(store)

    try:
        return cached("network", f"{file.resolve()} {identity}", build, keep=NETWORKS_KEPT)
    except _FileChangedError:
        return fresh()


def flat(frame: pd.DataFrame) -> pd.DataFrame:
    """List cells ``;``-joined, as in input files (CSV and text output).

    >>> import pandas as pd
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


RAW_CSV: ContextVar[bool] = ContextVar("raw_csv", default=False)
"""The global ``--raw`` flag (``paxsilica --raw …``), set by the root command for this run."""


def emit(frame: pd.DataFrame | list[dict], fmt: OutputFormat, title: str = "",
         output: Path | None = None, *, wide: bool | None = None, raw: bool | None = None) -> None:
    """Print (or write to ``output``) a table as a rich table, JSON records or CSV.

    Numbers are rounded by :func:`paxsilica.cli.output.rounded` in every format. List
    cells are JSON arrays in JSON and ``;``-joined in CSV and tables. CSV cells that a
    spreadsheet would run as formulas get a leading ``'`` unless ``raw`` (default: the
    global ``--raw``). Tables fit the terminal (:func:`paxsilica.cli.output.fitted`);
    ``wide`` shows every column (None: the command has no ``--wide`` option).
    """
    import pandas as pd

    from paxsilica.cli.output import fitted, output_width, rounded
    from paxsilica.io.atomic import write_atomic
    from paxsilica.io.csv_safety import neutralised_frame
    from paxsilica.io.records import json_records, jsonable

    if isinstance(frame, list):
        frame = pd.DataFrame(frame)
    frame = rounded(frame)
    if fmt is OutputFormat.json:
        text = json.dumps(json_records(frame), indent=2, ensure_ascii=False, default=jsonable)
    elif fmt is OutputFormat.csv:
        cells = flat(frame)
        text = (cells if (RAW_CSV.get() if raw is None else raw)
                else neutralised_frame(cells)).to_csv(index=False)
    elif output is None:
        # Text(...) cells: "[...]" in data is shown as written, not parsed as rich markup
        width = output_width()
        shown = fitted(frame, _cell, title, width=width, wide=wide)
        console.print(shown.table, width=width)
        for note in shown.footnotes:
            console.print(note, markup=False, highlight=False, soft_wrap=True)
        for hint in shown.hints:
            err_console.print(hint, markup=False, highlight=False, soft_wrap=True)
        return
    else:
        text = flat(frame).to_string(index=False)
    if output is not None:
        write_atomic(output, text if text.endswith("\n") else text + "\n")
        err_console.print(f"wrote {output}", markup=False)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _cell(value: object) -> str:
    """A table cell: integral numbers without a decimal point or exponent, 1000 and more
    with thousands separators (whole numbers from 10,000: not years), others to 4
    significant digits.

    >>> import pandas as pd
    >>> [_cell(v) for v in (10000.0, 4923.7, 0.68542, 2024, 10000, None, ["a", "b"])]
    ['10,000', '4,924', '0.6854', '2024', '10,000', '', 'a; b']
    >>> _cell(pd.Timestamp("2025-12-12")), _cell(pd.NaT)
    ('2025-12-12', '')
    """
    import pandas as pd

    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, pd.Timestamp) and value == value.normalize():
        return value.date().isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) and abs(value) >= 10_000:  # 2024 is a year, 10,000 an HHI
        return f"{value:,}"
    if isinstance(value, float) and abs(value) >= 1000:
        return f"{value:,.0f}"
    if isinstance(value, float) and value.is_integer():
        return f"{value:.0f}"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        return "; ".join(str(part) for part in value)
    return str(value)


def print_notes(frame: pd.DataFrame) -> None:
    """Print an answer's notes (``attrs["notes"]``: alias choices, missing data) on stderr."""
    for note in frame.attrs.get("notes", []):
        err_console.print(note, markup=False, highlight=False, soft_wrap=True)
