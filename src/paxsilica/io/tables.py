"""Read tabular input files (CSV, TSV, Parquet, YAML, JSON lines) as text columns.

Values are read as strings (empty cells become ``None``) so that validation,
not the reader, decides what a cell means and can say which cell is wrong.

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = path.write_text("a,b\\n1,\\n", encoding="utf-8")
    >>> read_table(path).frame.to_dict("records")
    [{'a': '1', 'b': None}]
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from paxsilica.errors import RowError, ValidationError

__all__ = ["Table", "read_table"]


@dataclass(frozen=True)
class Table:
    """A file's rows as text, with the row number of its first data row."""

    frame: pd.DataFrame
    file: str
    first_row: int
    """Number to add to a 0-based position to get the row users see (2 for CSV: header is 1)."""


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValidationError(
            [RowError(str(path), line, None,
                      f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                      "save the file as UTF-8")]
        ) from None


class _TextDatesLoader(yaml.SafeLoader):
    """YAML without implicit dates: ``2026-02-30`` stays text, for validation to report at
    its row and field (PyYAML would fail on the whole file)."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read_delimited(text: str, separator: str, name: str) -> pd.DataFrame:
    """Rows of a CSV/TSV text; a row with more or fewer fields than the header is an error
    (a stray separator would otherwise shift every later cell into the wrong column)."""
    records = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=separator)
               if row]
    if not records:
        return pd.DataFrame()
    header = [column.strip() or f"Unnamed: {i}" for i, column in enumerate(records[0])]
    errors = [RowError(name, 1, column, f"duplicate column '{column}'")
              for i, column in enumerate(header) if column in header[:i]]
    errors += [RowError(name, position + 2, None,
                        f"expected {len(header)} fields, found {len(row)}")
               for position, row in enumerate(records[1:]) if len(row) != len(header)]
    if errors:
        raise ValidationError(errors)
    return pd.DataFrame(records[1:], columns=header, dtype=object)


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
        ValidationError: the file is missing, not UTF-8, or not parseable; a CSV row has
            more or fewer fields than the header; a column name is repeated.
    """
    path = Path(path)
    name = str(path)
    if not path.is_file():
        raise ValidationError([RowError(name, None, None, f"no such file: {path}")])
    suffix = path.suffix.lower()
    try:
        if suffix in {".parquet", ".pq"}:
            frame = pd.read_parquet(path)
            return Table(_as_text(frame), name, 1)
        text = _decode(path)
        if suffix in {".yaml", ".yml"}:
            data = yaml.load(text, Loader=_TextDatesLoader) or []  # a SafeLoader
            if isinstance(data, dict):
                data = data.get(kind, []) if kind in data else next(iter(data.values()), [])
            if not isinstance(data, list):
                raise ValueError("expected a list of records")
            return Table(_as_text(pd.DataFrame.from_records(data)), name, 1)
        if suffix in {".jsonl", ".ndjson"}:
            rows = [json.loads(line) for line in text.splitlines() if line.strip()]
            return Table(_as_text(pd.DataFrame.from_records(rows)), name, 1)
        separator = "\t" if suffix in {".tsv", ".tab"} else ","
        return Table(_as_text(_read_delimited(text, separator, name)), name, 2)
    except ValidationError:
        raise
    except (ValueError, yaml.YAMLError, csv.Error, OSError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValidationError([RowError(name, None, None, f"cannot read file: {reason}")]) from None
