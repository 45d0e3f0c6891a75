"""Read tabular input files (CSV, TSV, Parquet, YAML, JSON lines) as text columns.

Values are read as strings (empty cells become ``None``) so that validation,
not the reader, decides what a cell means and can say which cell is wrong.

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = path.write_text("a,b\\n1,\\n", encoding="utf-8")
    >>> read_table(path).frame.to_dict("records")
    [{'a': '1', 'b': None}]
    >>> _ = path.write_text('a,b\\n1,"two\\nlines"\\n\\n3,x\\n', encoding="utf-8")
    >>> read_table(path).rows()  # the line each row starts on
    [2, 5]
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from paxsilica.errors import RowError, ValidationError
from paxsilica.io.yamlfile import decode_utf8, load_yaml
from paxsilica.limits import MAX_NESTING

__all__ = ["MAX_NESTING", "Table", "json_objects", "nesting_depth", "not_a_file", "read_table"]



@dataclass(frozen=True)
class Table:
    """A file's rows as text, with the line of the file each row starts on.

    ``lines[position]`` is the line (1-based) of the row at ``position`` in ``frame``:
    CSV and JSON lines readers record it, so a blank line or a quoted cell spanning lines
    above a row does not shift the number an error names. Without ``lines`` (YAML,
    Parquet, tables built in code) a row's number is ``position + first_row``.
    """

    frame: pd.DataFrame
    file: str
    first_row: int
    """Number to add to a 0-based position to get the row users see (2 for CSV: header is 1)."""
    lines: tuple[int, ...] | None = None

    def row(self, position: int) -> int:
        """The line (or record number) users see for the row at 0-based ``position``."""
        if self.lines is not None:
            return self.lines[position]
        return position + self.first_row

    def rows(self) -> list[int]:
        """:meth:`row` of every row, in order."""
        if self.lines is not None:
            return list(self.lines)
        return list(range(self.first_row, self.first_row + len(self.frame)))


def not_a_file(path: Path) -> ValidationError:
    """The error for an input ``path`` that is not a readable file: a directory says so,
    anything else is "no such file".

    >>> import tempfile
    >>> str(not_a_file(Path(tempfile.gettempdir()))).endswith("is a directory, not a file")
    True
    """
    reason = f"{path} is a directory, not a file" if path.is_dir() else f"no such file: {path}"
    return ValidationError([RowError(str(path), None, None, reason)])


def _decode(path: Path) -> str:
    return decode_utf8(path.read_bytes(), str(path))


def _read_delimited(text: str, separator: str, name: str) -> tuple[pd.DataFrame, tuple[int, ...]]:
    """Rows of a CSV/TSV text and the line each data row starts on (blank lines are
    skipped; a quoted cell may span lines). A row with more or fewer fields than the header
    is an error (a stray separator would otherwise shift every later cell into the wrong
    column)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    records, lines, start = [], [], 1
    try:
        for row in reader:
            if row:
                records.append(row)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:  # a cell past the csv module's limit, a NUL byte, …
        limit = csv.field_size_limit()
        reason = (f"a cell longer than {limit:,} characters" if "field limit" in str(exc)
                  else f"cannot read the row: {exc}")
        raise ValidationError([RowError(name, start, None, reason)]) from None
    if not records:
        return pd.DataFrame(), ()
    header = [column.strip() or f"Unnamed: {i}" for i, column in enumerate(records[0])]
    errors = [RowError(name, lines[0], column, f"duplicate column '{column}'")
              for i, column in enumerate(header) if column in header[:i]]
    errors += [RowError(name, line, None, f"expected {len(header)} fields, found {len(row)}")
               for line, row in zip(lines[1:], records[1:], strict=True)
               if len(row) != len(header)]
    if errors:
        raise ValidationError(errors)
    return pd.DataFrame(records[1:], columns=header, dtype=object), tuple(lines[1:])


def nesting_depth(value: object, limit: int = MAX_NESTING) -> int:
    """How deeply lists and dicts nest in ``value`` (a scalar is 0), counted without
    recursion and stopping once past ``limit``. A container reached twice (YAML aliases)
    is walked once, so a "billion laughs" file costs its size, not its expansion.

    >>> nesting_depth({"a": [1, [2]]}), nesting_depth("x")
    (3, 0)
    """
    deepest, stack, seen = 0, [(value, 1)], set()
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, dict | list) or id(node) in seen:
            continue
        seen.add(id(node))
        deepest = max(deepest, depth)
        if deepest > limit:
            break
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _too_deep(limit: int = MAX_NESTING) -> str:
    return f"nested more than {limit} levels deep (records are flat rows of cells)"


def json_objects(text: str, name: str, errors: list[RowError],
                 describe: Callable[[object], str] | None = None) -> Iterator[tuple[int, dict]]:
    """``(line, object)`` for each non-blank line of JSON lines ``text``; a line that is not
    a JSON object adds a :class:`RowError` to ``errors`` (``describe`` names what it is).
    Lines end at ``\n`` only: JSON strings may hold U+2028 and other breaks that
    ``str.splitlines`` would split at."""
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(RowError(name, number, None, f"not valid JSON: {exc.msg}"))
            continue
        except RecursionError:  # deeper than the interpreter's stack
            errors.append(RowError(name, number, None, _too_deep()))
            continue
        if nesting_depth(data) > MAX_NESTING:
            errors.append(RowError(name, number, None, _too_deep()))
            continue
        if not isinstance(data, dict):
            kind = describe(data) if describe else "null" if data is None else f"a {type(data).__name__}"
            errors.append(RowError(name, number, None, f"expected a JSON object, got {kind}"))
            continue
        yield number, data


def _read_json_lines(text: str, name: str) -> tuple[pd.DataFrame, tuple[int, ...]]:
    """One JSON object per non-blank line, and the line of each."""
    rows, lines, errors = [], [], []
    for number, data in json_objects(text, name, errors):
        rows.append(data)
        lines.append(number)
    if errors:
        raise ValidationError(errors)
    return pd.DataFrame.from_records(rows), tuple(lines)


def _clean(value: object) -> object:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, str):
        return value.strip() or None
    return value


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    # object dtype keeps None as None (pandas 3 would turn it into NaN in a str column)
    return pd.DataFrame(
        {column: pd.Series([_clean(value) for value in frame[column].tolist()],
                           dtype=object, index=frame.index)
         for column in frame.columns},
        index=frame.index,
    )


def read_table(path: str | Path, kind: str | None = None) -> Table:
    """Read ``path`` by its extension; YAML may hold a list or ``{kind: [rows]}``.

    Raises:
        ValidationError: the file is missing or a directory, not UTF-8, not parseable, or
            nested more than :data:`MAX_NESTING` deep; a CSV row has
            more or fewer fields than the header; a column name is repeated; a JSON line is
            not valid JSON or not an object (each at its line).
    """
    path = Path(path)
    name = str(path)
    if not path.is_file():
        raise not_a_file(path)
    suffix = path.suffix.lower()
    try:
        if suffix in {".parquet", ".pq"}:
            frame = pd.read_parquet(path)
            return Table(_as_text(frame), name, 1)
        text = _decode(path)
        if suffix in {".yaml", ".yml"}:
            # {kind: [rows]}: records sit two levels below the top
            data = load_yaml(text, name, dates=False, max_depth=MAX_NESTING + 2).data or []
            if isinstance(data, dict):
                data = data.get(kind, []) if kind in data else next(iter(data.values()), [])
            if not isinstance(data, list):
                raise ValueError("expected a list of records")
            return Table(_as_text(pd.DataFrame.from_records(data)), name, 1)
        if suffix in {".jsonl", ".ndjson"}:
            frame, lines = _read_json_lines(text, name)
            return Table(_as_text(frame), name, 1, lines)
        separator = "\t" if suffix in {".tsv", ".tab"} else ","
        frame, lines = _read_delimited(text, separator, name)
        return Table(_as_text(frame), name, 2, lines)
    except ValidationError:
        raise
    except (ValueError, csv.Error, OSError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValidationError([RowError(name, None, None, f"cannot read file: {reason}")]) from None
