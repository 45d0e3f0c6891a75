"""Load a trade CSV (BACI, UN Comtrade) into DuckDB as text, with every read problem
reported by file and line.

Both readers stream their file through DuckDB; this module fixes the CSV dialect
from the header (comma or tab, plain or gzip-compressed) instead of letting DuckDB's
sniffer guess it, so that a row with too few or too many fields, or bytes that are
not UTF-8, gives the line it is on rather than a confusing error.

Example:
    >>> import duckdb, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = path.write_text("a,b\\n1,2\\n3\\n")
    >>> layout = csv_layout(path, str(path), ["a", "b"])
    >>> layout.delimiter, layout.columns
    (',', ['a', 'b'])
    >>> try:
    ...     load_raw(duckdb.connect(), layout, ["a", "b"])
    ... except ValidationError as error:
    ...     print(error.errors[0].row, error.errors[0].reason)
    3 expected 2 fields, found 1
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import duckdb

from paxsilica.errors import RowError, ValidationError

__all__ = ["READ_SHARE", "CsvLayout", "ReadProgress", "check_gzip", "checks_progress", "csv_layout",
           "duplicate_checks",
           "file_lines", "load_raw", "sql_path"]

GZIP_MAGIC = b"\x1f\x8b"
MAX_HEADER_BYTES = 1 << 20
"""A header line longer than this (1 MiB) is not a trade CSV header (BACI's is 11 bytes,
Comtrade's under 1 KiB): the file is refused before reading the rest of the line."""
_CORRUPT = (OSError, EOFError, zlib.error)
"""What reading a truncated or corrupt gzip stream raises (``gzip.BadGzipFile`` is an
``OSError``)."""


@dataclass(frozen=True)
class CsvLayout:
    """Where a CSV is and how it is written."""

    path: Path
    file: str
    columns: list[str]
    delimiter: str
    compressed: bool


def sql_path(path: str | Path) -> str:
    """A path as a SQL string literal."""
    return "'" + str(path).replace("'", "''") + "'"


def _open_binary(path: Path, compressed: bool) -> BinaryIO:
    return gzip.open(path, "rb") if compressed else path.open("rb")


def csv_layout(path: str | Path, file: str, required: list[str]) -> CsvLayout:
    """Read the header line; a ValidationError naming every missing column.

    The delimiter is a tab when the header has tabs and no commas (Comtrade bulk
    ``.txt`` files), else a comma; gzip files are recognised by their first bytes.
    """
    path = Path(path)
    if path.is_dir():
        raise ValidationError([RowError(file, None, None, f"{path} is a directory, not a file")])
    try:
        with path.open("rb") as handle:
            compressed = handle.read(2) == GZIP_MAGIC
        with _open_binary(path, compressed) as handle:
            first = handle.readline(MAX_HEADER_BYTES + 1)
    except FileNotFoundError:
        raise ValidationError([RowError(file, None, None, f"no such file: {path}")]) from None
    except IsADirectoryError:
        raise ValidationError([RowError(file, None, None, f"{path} is a directory, not a file")]) from None
    except _CORRUPT as exc:
        raise ValidationError([_corrupt(file, compressed, exc)]) from None
    if len(first) > MAX_HEADER_BYTES:
        raise ValidationError([RowError(file, 1, None, f"line 1 is longer than {MAX_HEADER_BYTES:,} "
                                        "bytes without a line break: not a CSV header")])
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError([RowError(file, 1, None, "not valid UTF-8 (save the file as UTF-8)")]) from None
    text = text.rstrip("\r\n")
    if not text.strip():
        raise ValidationError([RowError(file, None, None, "the file is empty (no header line)")])
    delimiter = "\t" if "\t" in text and "," not in text else ","
    columns = [part.strip().strip('"') for part in text.split(delimiter)]
    repeated = sorted({column for column in columns if column and columns.count(column) > 1})
    if repeated:
        raise ValidationError([RowError(file, 1, column, f"column {column!r} appears more than once")
                               for column in repeated])
    # unnamed columns (a trailing delimiter) are kept under placeholder names and ignored
    columns = [column or f"_unnamed_{position}" for position, column in enumerate(columns, start=1)]
    missing = [column for column in required if column not in columns]
    if missing:
        raise ValidationError([RowError(file, 1, column, f"missing column {column!r} "
                                        f"(found: {', '.join(columns)})") for column in missing])
    return CsvLayout(path, file, columns, delimiter, compressed)


def _corrupt(file: str, compressed: bool, exc: BaseException) -> RowError:
    detail = str(exc).strip() or type(exc).__name__
    if compressed:
        return RowError(file, None, None, f"corrupt or truncated gzip file ({detail}); "
                                          "download it again")
    return RowError(file, None, None, f"cannot read file: {detail}")


def check_gzip(layout: CsvLayout) -> None:
    """Decompress a gzip file once, streamed, to catch corruption DuckDB's reader lets
    through (a wrong CRC) or reports without naming it (a truncated stream)."""
    if not layout.compressed:
        return
    try:
        with gzip.open(layout.path, "rb") as handle:
            while handle.read(1 << 22):
                pass
    except _CORRUPT as exc:
        raise ValidationError([_corrupt(layout.file, True, exc)]) from None


def _first_bad_utf8_line(layout: CsvLayout) -> int | None:
    """The 1-based line of the first byte sequence that is not UTF-8 (streamed), or None."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with _open_binary(layout.path, layout.compressed) as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                return line + block[:exc.start].count(b"\n")
            line += block.count(b"\n")
    return None


LINE_PATTERN = re.compile(r"CSV Error on Line: (\d+)")
SIZE_PATTERN = re.compile(r"Maximum line size of (\d+) bytes exceeded\. Actual Size:\s*(\d+)")
FIELDS_PATTERN = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")


def _read_error(layout: CsvLayout, exc: duckdb.Error) -> RowError:
    message = str(exc)
    if "unicode" in message.lower() or "utf-8" in message.lower():
        line = _first_bad_utf8_line(layout)
        return RowError(layout.file, line, None, "not valid UTF-8 (save the file as UTF-8)")
    found = LINE_PATTERN.search(message)
    line = int(found.group(1)) if found else None
    size = SIZE_PATTERN.search(message)
    if size:
        return RowError(layout.file, line, None,
                        f"line is {int(size.group(2)):,} bytes long (at most {int(size.group(1)):,}): "
                        "a missing line break, or not a CSV file")
    fields = FIELDS_PATTERN.search(message)
    if fields:
        return RowError(layout.file, line, None, f"expected {fields.group(1)} fields, found {fields.group(2)}")
    reason = next((part.strip() for part in message.splitlines() if part.strip()), message)
    return RowError(layout.file, line, None, f"cannot read file: {reason}")


ReadProgress = Callable[[float], None]
"""Called with the fraction (0-1) of a file read so far."""

READ_SHARE = 0.3
"""Part of a file's progress given to reading it; the checks that follow take the rest
(on a 3-million-row BACI file reading took about a third of the time)."""


def checks_progress(progress: ReadProgress | None) -> Callable[[float], None] | None:
    """``progress`` for the checks after the read: their fraction done, scaled to follow
    :data:`READ_SHARE`."""
    if progress is None:
        return None
    return lambda fraction: progress(READ_SHARE + (1 - READ_SHARE) * fraction * 0.95)


@contextmanager
def _polled(connection: duckdb.DuckDBPyConnection, progress: ReadProgress | None,
            every: float = 0.25) -> Iterator[None]:
    """Report DuckDB's progress on the statement run inside the block, from a thread that
    polls ``connection.query_progress()`` (DuckDB allows that call while a query runs)."""
    if progress is None:
        yield
        return
    connection.execute("SET enable_progress_bar = true")  # makes query_progress() count
    connection.execute("SET enable_progress_bar_print = false")
    done = threading.Event()

    def poll() -> None:
        while not done.wait(every):
            percent = connection.query_progress()
            if percent >= 0:
                progress(READ_SHARE * min(percent, 100.0) / 100)

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def load_raw(connection: duckdb.DuckDBPyConnection, layout: CsvLayout, wanted: list[str],
             table: str = "raw", progress: ReadProgress | None = None) -> None:
    """Create TEMP table ``table`` with ``line`` (file line, header = 1) and the ``wanted``
    columns as trimmed text ('' when empty); raise on unreadable files or zero data rows.
    ``progress`` is told the fraction read while DuckDB reads (up to :data:`READ_SHARE`)."""
    types = ", ".join(f"'{column.replace(chr(39), chr(39) * 2)}': 'VARCHAR'" for column in layout.columns)
    delimiter = "\\t" if layout.delimiter == "\t" else ","
    source = (f"read_csv({sql_path(layout.path)}, header = true, auto_detect = false, "
              f"delim = E'{delimiter}', quote = '\"', escape = '\"', strict_mode = true, "
              f"compression = '{'gzip' if layout.compressed else 'none'}', columns = {{{types}}})")
    selected = ", ".join(f'coalesce(trim("{column}"), \'\') AS "{column}"' for column in wanted)
    check_gzip(layout)
    try:
        with _polled(connection, progress):
            connection.execute(f"CREATE TEMP TABLE {table} AS SELECT row_number() OVER () + 1 AS line, "
                               f"{selected} FROM {source}")
    except duckdb.Error as exc:
        raise ValidationError([_read_error(layout, exc)]) from None
    if connection.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] == 0:
        raise ValidationError([RowError(layout.file, None, None, "the file has a header but no data rows")])


def duplicate_checks(connection: duckdb.DuckDBPyConnection, table: str, key: list[str],
                     field: str, rule: str) -> list[tuple[str, str, str]]:
    """Checks (for ``hs_items.collect_errors``) of rows of ``table`` whose ``key`` (SQL
    expressions) repeats an earlier row's; none when every key is unique.

    A cheap grouped count runs first, so the window that finds the repeated lines runs only
    on a file that has some. Rows whose key does not parse are left to the other checks.
    """
    parsed = " AND ".join(f"{part} IS NOT NULL" for part in key)
    columns = ", ".join(key)
    repeated = connection.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {parsed} GROUP BY {columns} "
        "HAVING count(*) > 1)").fetchall()[0][0]
    if not repeated:
        return []
    shown = " || ', ' || ".join(f"CAST({part} AS VARCHAR)" for part in key)
    query = (f"SELECT line, value FROM (SELECT line, {shown} AS value, row_number() OVER "
             f"(PARTITION BY {columns} ORDER BY line) AS seen FROM {table} WHERE {parsed}) "
             "WHERE seen > 1")
    return [(field, query, f"duplicate key ({{value}}): {rule}")]


def file_lines(layout: CsvLayout, errors: list[RowError]) -> list[RowError]:
    """``errors`` with record numbers turned into the file lines the records start on.

    ``load_raw`` numbers records as if each took one line (header = 1); blank lines and
    quoted fields with line breaks make the file's lines differ. Only called when there
    are errors, so the streamed re-read costs nothing on a good file.
    """
    wanted = {error.row for error in errors if error.row is not None and error.row >= 2}
    if not wanted:
        return errors
    lines: dict[int, int] = {}
    with _open_binary(layout.path, layout.compressed) as handle:
        reader = csv.reader(io.TextIOWrapper(handle, encoding="utf-8-sig", newline=""),
                            delimiter=layout.delimiter)
        record, before = 0, 0
        for fields in reader:
            if fields:  # DuckDB skips blank lines, so they are not records
                record += 1
                if record in wanted:
                    lines[record] = before + 1
                    if len(lines) == len(wanted):
                        break
            before = reader.line_num
    return [RowError(e.file, lines.get(e.row, e.row) if e.row is not None else None, e.field, e.reason)
            for e in errors]
