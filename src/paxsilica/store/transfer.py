"""Export every table of a store to files, and restore a store from such an export.

``export_store`` writes one file per table of :data:`~paxsilica.store.schema.TABLES`
(record kinds, trade flows, restricted lists, the import log, meta) plus
``manifest.json``; ``restore_store`` reads them back into a database in one transaction,
replacing its contents, so that export then restore round-trips every table exactly.
The record kinds are validated first (schema, keys, references within the export), so a
hand-edited export with a bad row writes nothing.

Example:
    >>> import tempfile
    >>> from paxsilica.store.bundled import open_store
    >>> source = open_store(":memory:")
    >>> folder = tempfile.mkdtemp()
    >>> _ = export_store(source, folder)
    >>> target = restore_store(Store(":memory:"), folder)
    >>> target.count("supplies") == source.count("supplies")
    True
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd

from paxsilica.errors import PaxsilicaError, RowError, StoreError, ValidationError
from paxsilica.io.atomic import Content, check_output, write_files_atomic
from paxsilica.io.csv_safety import neutralised_sql
from paxsilica.io.tables import Table
from paxsilica.io.trade_csv import sql_path
from paxsilica.store.database import Store
from paxsilica.store.schema import TABLES, TableSpec
from paxsilica.validate.records import context_kinds, validate_table

__all__ = ["EXPORT_FORMAT", "MANIFEST", "export_store", "is_export", "restore_store"]

MANIFEST = "manifest.json"
EXPORT_FORMAT = "paxsilica-export/1"
FORMATS = {"csv": "(HEADER, DELIMITER ',')", "parquet": "(FORMAT PARQUET)"}


def _select(spec: TableSpec, stored: list[str] | None, guard: bool = False) -> str:
    """Every column of the spec, in its order; NULLs for what an older file lacks; text
    columns with the CSV formula guard when ``guard``."""
    def column(name: str, sql: str) -> str:
        if not (stored and name in stored):
            return f'CAST(NULL AS {sql}) AS "{name}"'
        return neutralised_sql(f'"{name}"') if guard and sql == "VARCHAR" else f'"{name}"'

    columns = [column(name, sql) for name, sql in spec.columns]
    source = f'"{spec.name}"' if stored is not None else "(SELECT 1) WHERE false"
    return f"SELECT {', '.join(columns)} FROM {source}"


def export_store(store: Store, directory: str | Path, fmt: str = "csv", *,
                 raw: bool = False) -> list[Path]:
    """Write one ``<table>.<fmt>`` per registered table and ``manifest.json``; return the
    paths written (tables first). CSV text cells that a spreadsheet would run as a formula
    get a leading ``'`` (:mod:`paxsilica.io.csv_safety`; restore takes it off) unless ``raw``.

    Raises:
        StoreError: unknown format, or the directory cannot be written.
    """
    if fmt not in FORMATS:
        raise StoreError(f"unknown export format {fmt!r} (use csv or parquet)")
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise StoreError(f"cannot export into {directory}: it is a file, not a directory")
    try:
        check_output(directory / MANIFEST, "export directory")  # before any work
    except PaxsilicaError as exc:
        raise StoreError(str(exc)) from None
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create {directory}: {exc.strerror or exc}") from None
    files: list[tuple[Path, Content, int | None]] = []
    tables = []
    guard = fmt == "csv" and not raw
    with store.snapshot():
        stored = store.columns()
        for spec in TABLES.values():
            target = directory / f"{spec.name}.{fmt}"
            query = f"COPY ({_select(spec, stored.get(spec.name), guard)}) TO {{path}} {FORMATS[fmt]}"
            files.append((target, _copier(store, query, target), None))
            tables.append({"name": spec.name, "file": target.name, "columns": spec.column_names,
                           "rows": store.count(spec.name)})
        # "neutralised": CSV text cells got a leading ' against spreadsheet formula injection
        # (restore takes it off again)
        manifest = json.dumps({"format": EXPORT_FORMAT, "file_format": fmt,
                               "neutralised": guard, "tables": tables}, indent=2) + "\n"
        files.append((directory / MANIFEST, manifest, None))
        # every table to a temporary file, then all renamed: an export is whole or absent
        write_files_atomic(files, "export directory")
    return [path for path, _, _ in files]


def _copier(store: Store, query: str, target: Path) -> Callable[[Path], None]:
    def copy(temporary: Path) -> None:
        # a literal, not a parameter: DuckDB binds COPY targets only from 1.4 (we allow 1.1)
        try:
            store.connection.execute(query.replace("{path}", sql_path(temporary.as_posix())))
        except duckdb.Error as exc:
            raise StoreError(f"cannot write {target}: {str(exc).splitlines()[0]}") from None
    return copy


def is_export(path: str | Path) -> bool:
    """True when ``path`` is a directory written by :func:`export_store`."""
    return (Path(path) / MANIFEST).is_file()


def _reader(path: Path, spec: TableSpec, fmt: str, header: list[str]) -> str:
    if fmt == "parquet":
        return f"read_parquet({sql_path(path.as_posix())})"
    types = ", ".join(f"'{name}': '{spec.types[name]}'" for name in header)
    return (f"read_csv({sql_path(path.as_posix())}, header = true, auto_detect = false, "
            f"columns = {{{types}}}, delim = ',', quote = '\"', escape = '\"', "
            "allow_quoted_nulls = false)")


def _header(path: Path, fmt: str) -> list[str]:
    if fmt == "parquet":
        return [row[0] for row in duckdb.execute(
            f"DESCRIBE SELECT * FROM read_parquet({sql_path(path.as_posix())})").fetchall()]
    with path.open(encoding="utf-8") as handle:
        first = handle.readline().rstrip("\r\n")
    return [part.strip('"') for part in first.split(",")] if first else []


def _manifest(directory: Path) -> dict:
    path = directory / MANIFEST
    if not path.is_file():
        raise ValidationError([RowError(str(path), None, None,
                                        "no manifest: not a directory written by 'data export'")])
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:
        raise ValidationError([RowError(str(path), None, None, f"unreadable manifest: {exc}")]) from None
    if not isinstance(manifest, dict) or manifest.get("format") != EXPORT_FORMAT:
        raise ValidationError([RowError(str(path), None, "format",
                                        f"expected {EXPORT_FORMAT!r}")])
    if manifest.get("file_format") not in FORMATS or not isinstance(manifest.get("tables"), list):
        raise ValidationError([RowError(str(path), None, "tables", "malformed manifest")])
    return manifest


NUMBER = "[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?"


def _restored(column: str) -> str:
    """SQL undoing the export's formula guard on one text column: a leading ' before
    = + - @ tab or CR (not before a number) is taken off."""
    quoted = f'"{column}"'
    return (f"CASE WHEN left({quoted}, 1) = chr(39) AND substr({quoted}, 2, 1) IN "
            f"('=', '+', '-', '@', chr(9), chr(13)) AND NOT regexp_full_match("
            f"trim(substr({quoted}, 2)), '{NUMBER}') THEN substr({quoted}, 2) ELSE {quoted} END "
            f"AS {quoted}")


def _sources(directory: Path, manifest: dict) -> dict[str, tuple[TableSpec, str, str]]:
    """Table name -> (spec, its columns, SQL reading its file); every problem collected."""
    fmt = manifest["file_format"]
    guarded = bool(manifest.get("neutralised")) and fmt == "csv"
    errors, sources = [], {}
    for entry in manifest["tables"]:
        name = entry.get("name") if isinstance(entry, dict) else None
        spec = TABLES.get(str(name))
        if spec is None:
            errors.append(RowError(str(directory / MANIFEST), None, "tables",
                                   f"unknown table {name!r}"))
            continue
        path = directory / str(entry.get("file", ""))
        if not path.is_file() or path.parent != directory:
            errors.append(RowError(str(path), None, None, "file listed in the manifest is missing"))
            continue
        header = _header(path, fmt)
        unknown = [column for column in header if column not in spec.types]
        if unknown or not header:
            errors.append(RowError(str(path), 1, (unknown or [None])[0],
                                   "unknown column" if unknown else "no header"))
            continue
        columns = ", ".join(f'"{c}"' for c in header)
        values = ", ".join(_restored(c) if guarded and spec.types[c] == "VARCHAR" else f'"{c}"'
                           for c in header)
        sources[spec.name] = (spec, columns,
                              f"SELECT {values} FROM {_reader(path, spec, fmt, header)}")
    if errors:
        raise ValidationError(errors)
    return sources


def restore_store(store: Store, directory: str | Path) -> Store:
    """Replace the contents of ``store`` with an export, in one transaction.

    Raises:
        ValidationError: a malformed manifest or file, or a record that fails validation
            (nothing is written).
    """
    directory = Path(directory)
    sources = _sources(directory, _manifest(directory))
    scratch = duckdb.connect(":memory:")
    try:
        frames = {}
        for name, (_, _, query) in sources.items():
            try:
                frames[name] = scratch.execute(query).df()
            except duckdb.Error as exc:
                raise ValidationError([RowError(str(directory / f"{name}.*"), None, None,
                                                str(exc).splitlines()[0])]) from None
    finally:
        scratch.close()
    errors: list[RowError] = []
    for name, frame in frames.items():
        kind = TABLES[name].kind
        if kind is None or frame.empty:
            continue
        rows = frame.drop(columns="import_id", errors="ignore").astype(object)
        table = Table(rows.where(rows.notna(), None).reset_index(drop=True),
                      str(directory / name), 2)
        context = {other: frames.get(other, pd.DataFrame(columns=TABLES[other].column_names))
                   for other in context_kinds(kind)}
        try:
            validate_table(kind, table, context)
        except ValidationError as exc:
            errors.extend(exc.errors)
    if errors:
        raise ValidationError(errors)
    with store.transaction() as connection:
        for spec in TABLES.values():
            connection.execute(f'DELETE FROM "{spec.name}"')
        for name, (spec, columns, query) in sources.items():
            try:
                connection.execute(f'INSERT INTO "{spec.name}" ({columns}) {query}')
            except duckdb.Error as exc:
                raise ValidationError([RowError(str(directory / name), None, None,
                                                str(exc).splitlines()[0])]) from None
    return store
