"""How result tables look when printed: numbers rounded once, columns fitted to the terminal.

Every table, JSON and CSV the CLI prints goes through :func:`rounded` (in
:func:`paxsilica.cli.common.emit`; defined in :mod:`paxsilica.io.records`, which the
service shares), so one rule set decides how precise a number is:

* shares (a column ``share`` or ``…_share…``, and the fractions ``output_lost`` and
  ``dependence``) are fractions 0-1 (see STYLE): 4 decimals, clamped to [0, 1], so float
  noise such as ``-2.22e-16`` prints as ``0``;
* ``change`` (a difference of shares): 4 decimals, clamped to [-1, 1];
* ``hhi`` (0-10 000): a whole number;
* every other float: 10 significant digits, more than any source gives (USGS and company
  reports give 2-4), and few enough to drop binary noise (``1.6680000000000001`` → ``1.668``).

Tables in a terminal (:func:`fitted`) put provenance last, show ``source`` cells as
numbered footnotes, move columns with one value for every row into the caption, and drop
the rightmost columns that do not fit the width (naming them); ``--wide`` shows all.

Example:
    >>> frame = pd.DataFrame({"share": [0.68999999999, -2.22e-16], "hhi": [5722.4, None],
    ...                       "quantity": [1.6680000000000001, 3.0]})
    >>> rounded(frame).to_dict("list")
    {'share': [0.69, 0.0], 'hhi': [5722, None], 'quantity': [1.668, 3.0]}
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from rich import box
from rich.table import Table as RichTable
from rich.text import Text

from paxsilica.io.records import RULES, NumberRule, rounded

__all__ = ["RULES", "FittedTable", "NumberRule", "fitted", "output_width", "rounded"]



# --- terminal tables ----------------------------------------------------------------

PROVENANCE_SHOWN = ["confidence", "basis"]
"""Provenance columns kept in narrow tables, after the data columns."""
FOOTNOTED = ["source", "sources"]
"""Shown as footnote numbers in narrow tables, the text listed under the table."""
WIDE_ONLY = ["source_url", "note", "notes", "description", "event", "items"]
"""Long text shown only with ``--wide`` (or in JSON and CSV); ``items`` is an export
control's own wording of what it covers (``item_ids`` maps it to the catalogue)."""
PROVENANCE = [*PROVENANCE_SHOWN, *FOOTNOTED, *WIDE_ONLY]


def provenance_last(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its provenance columns (sources, notes, confidence…) moved to the end.

    >>> list(provenance_last(pd.DataFrame(columns=["source", "note", "item", "share"])).columns)
    ['item', 'share', 'source', 'note']
    """
    last = [column for column in frame.columns if column in PROVENANCE]
    return frame[[column for column in frame.columns if column not in last] + last]


def output_width() -> int:
    """Columns to fit tables into: ``$COLUMNS`` if set, else the terminal's width, else
    220 (output piped to a file is read in an editor, not squeezed into 80 columns)."""
    try:
        return max(40, int(os.environ["COLUMNS"]))
    except (KeyError, ValueError):
        pass
    if sys.stdout.isatty():
        return os.get_terminal_size(sys.stdout.fileno()).columns
    return 220


KEY_COLUMNS = {"item", "item_id", "output_item", "input_item", "end_item", "country", "stage",
               "year", "group_id", "measure_id", "facility_id", "company_id", "owner_id", "owned_id"}
"""Columns never moved into the caption: they say what a row is."""


@dataclass
class FittedTable:
    """A rich table that fits the width, its footnotes, and hints on what is not shown."""

    table: RichTable
    footnotes: list[str]
    hints: list[str]


def _footnotes(frame: pd.DataFrame, column: str, numbers: dict[str, int]) -> pd.Series:
    def number(cell: object) -> str:
        parts = cell if isinstance(cell, list | tuple) else [] if cell is None or cell != cell \
            else [cell]
        return ",".join(str(numbers.setdefault(str(part), len(numbers) + 1)) for part in parts)
    return frame[column].map(number)


MAX_TEXT = 40
"""Narrow tables cut text cells (not key columns) longer than this with an ellipsis."""


def _header(column: str) -> Text:
    # spaces, not underscores: a long header wraps onto two lines instead of widening a
    # column (the header's own no_wrap overrides the column's)
    return Text(str(column).replace("_", " "), no_wrap=False, overflow="fold")


def _natural(frame: pd.DataFrame, cells: dict[str, list[str]], column: str) -> int:
    """Width of ``column``: its longest cell or header word; text outside the key columns
    at most :data:`MAX_TEXT`."""
    words = str(column).split("_")
    longest = max([len(text) for text in cells[column]], default=0)
    if column not in KEY_COLUMNS:
        longest = min(longest, MAX_TEXT)
    return max([len(word) for word in words] + [longest])


def _build(frame: pd.DataFrame, cells: dict[str, list[str]], title: str, caption: str | None,
           wide: bool) -> RichTable:
    table = RichTable(title=Text(title) if title else None, caption=Text(caption) if caption else None,
                      box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, caption_justify="left")
    for column in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[column]) or column == "hhi"
        table.add_column(_header(column), justify="right" if numeric else "left",
                         width=None if wide else _natural(frame, cells, column),
                         no_wrap=not wide, overflow="fold" if wide else "ellipsis")
    for position in range(len(frame)):
        table.add_row(*[Text(cells[column][position]) for column in frame.columns])
    return table


def _fits(frame: pd.DataFrame, cells: dict[str, list[str]], width: int) -> bool:
    columns = list(frame.columns)
    return sum(_natural(frame, cells, c) for c in columns) + 3 * (len(columns) - 1) <= width


def fitted(frame: pd.DataFrame, cell: Callable[[object], str], title: str = "", *,
           width: int, wide: bool | None = False) -> FittedTable:
    """A table of ``frame`` for a terminal ``width`` columns wide (see the module docstring);
    ``cell`` turns a value into its text. ``wide`` None: the command has no ``--wide``."""
    frame = provenance_last(frame)
    cells = {column: [cell(value) for value in frame[column]] for column in frame.columns}
    if wide:
        return FittedTable(_build(frame, cells, title, None, wide=True), [], [])
    hints: list[str] = []
    every = "--wide, --format csv or --format json" if wide is not None else "--format csv or json"
    hidden = [column for column in frame.columns if column in WIDE_ONLY]
    frame = frame.drop(columns=hidden)
    numbers: dict[str, int] = {}
    for column in [c for c in FOOTNOTED if c in frame.columns]:
        cells[column] = _footnotes(frame, column, numbers).tolist()
    caption = None
    if not _fits(frame, cells, width) and len(frame) > 1:
        empty = [c for c in frame.columns if c not in KEY_COLUMNS and not any(cells[c])]
        constant = [c for c in frame.columns if c not in KEY_COLUMNS and c not in PROVENANCE
                    and c not in empty and len(set(cells[c])) == 1]
        parts = [f"{c}: {cells[c][0]}" for c in constant]
        parts += [f"empty: {', '.join(empty)}"] if empty else []
        caption = "; ".join(parts) or None
        frame = frame.drop(columns=constant + empty)
    kept = list(frame.columns[:1])
    for column in frame.columns[1:]:
        if _fits(frame[[*kept, column]], cells, width):
            kept.append(column)
    dropped = [column for column in frame.columns if column not in kept]
    table = _build(frame[kept], cells, title, caption, wide=False)
    footnotes = ([f"[{number}] {text}" for text, number in numbers.items()]
                 if any(column in kept for column in FOOTNOTED) else [])
    if dropped:
        hints.append(f"columns not shown to fit {width} characters: {', '.join(dropped)} "
                     f"({every} shows every column)")
    if hidden:
        hints.append(f"long text not shown: {', '.join(hidden)} ({every} shows it)")
    return FittedTable(table, footnotes, hints)
