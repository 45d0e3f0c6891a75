"""A DuckDB database holding one table per record kind, plus an import log.

Tables are created from the pydantic models in :mod:`paxsilica.model.kinds`;
each row also records the ``import_id`` of the import that wrote it.

Example:
    >>> store = Store(":memory:")
    >>> sorted(store.table("stages").columns)
    ['description', 'import_id', 'name', 'order', 'stage_id']
"""

from __future__ import annotations

import atexit
import gc
import types
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, Union, get_args, get_origin

import duckdb
import pandas as pd
import platformdirs

from paxsilica.errors import StoreError
from paxsilica.io.csv_safety import neutralised_sql
from paxsilica.io.trade_csv import sql_path
from paxsilica.model.kinds import KINDS, Kind, kind_named

__all__ = ["Store", "default_db_path"]


_OPEN_STORES: weakref.WeakSet[Store] = weakref.WeakSet()


@atexit.register
def _close_open_stores() -> None:
    # Close before interpreter teardown: DuckDB checkpoints, and its bindings do not
    # complain about objects still alive at exit.
    for store in list(_OPEN_STORES):
        store.close()
    gc.collect()  # frees DuckDB objects caught in reference cycles (e.g. by tracebacks)


def default_db_path() -> Path:
    """``<user data dir>/paxsilica/paxsilica.duckdb`` (e.g. ``~/.local/share/paxsilica``)."""
    return platformdirs.user_data_path("paxsilica") / "paxsilica.duckdb"


def _sql_type(annotation: Any) -> str:
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        inner = [arg for arg in get_args(annotation) if arg is not type(None)]
        return _sql_type(inner[0])
    if origin is not None and hasattr(annotation, "__metadata__"):
        return _sql_type(get_args(annotation)[0])
    if origin is list:
        return "VARCHAR"  # ';'-joined, as in CSV files
    return {bool: "BOOLEAN", int: "BIGINT", float: "DOUBLE", date: "DATE"}.get(annotation, "VARCHAR")


def _ddl(kind: Kind) -> str:
    columns = [f'"{name}" {_sql_type(info.annotation)}'
               for name, info in kind.model.model_fields.items()]
    columns.append('"import_id" BIGINT')
    return f'CREATE TABLE IF NOT EXISTS "{kind.table}" ({", ".join(columns)})'


DUCKDB_MAGIC = b"DUCK"
"""Bytes 8-11 of every DuckDB database file (after an 8-byte checksum)."""


def _check_database_file(path: Path) -> None:
    """Refuse a path that exists but is not a DuckDB database (``--db data.csv``): DuckDB
    would otherwise work on a temporary database and every import would be lost."""
    if path.is_dir():
        raise StoreError(f"cannot open database {path}: it is a directory (give a file name, "
                         "e.g. paxsilica.duckdb)")
    if not path.is_file() or path.stat().st_size == 0:
        return
    try:
        with path.open("rb") as handle:
            header = handle.read(12)
    except OSError as exc:
        raise StoreError(f"cannot open database {path}: {exc.strerror or exc}") from None
    if header[8:12] != DUCKDB_MAGIC:
        raise StoreError(f"cannot open database {path}: the file exists and is not a DuckDB "
                         "database (give a new file name or an existing paxsilica database)")


class Store:
    """An open paxsilica database; ``path=":memory:"`` for a throw-away one."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        if self.path != ":memory:":
            _check_database_file(Path(self.path))
            try:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create the folder of database {self.path}: "
                                 f"{exc.strerror or exc}") from None
        try:
            self.connection = duckdb.connect(self.path)
        except duckdb.Error as exc:
            raise StoreError(f"cannot open database {self.path}: {exc}") from None
        self._depth = 0
        self._create_schema()
        _OPEN_STORES.add(self)

    def _create_schema(self) -> None:
        with self.transaction():
            for kind in KINDS.values():
                self.connection.execute(_ddl(kind))
            self._add_new_columns()
            self.connection.execute(
                "CREATE TABLE IF NOT EXISTS imports (import_id BIGINT, kind VARCHAR, "
                "file VARCHAR, sha256 VARCHAR, rows BIGINT, imported_at TIMESTAMP)")
            self.connection.execute(
                "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")

    def _add_new_columns(self) -> None:
        """A database written by an older version lacks fields added to a model since:
        add them (empty), so that imports of every field work."""
        existing = set(self.connection.execute(
            "SELECT table_name, column_name FROM duckdb_columns() "
            "WHERE schema_name = 'main'").fetchall())
        for kind in KINDS.values():
            for name, info in kind.model.model_fields.items():
                if (kind.table, name) not in existing:
                    self.connection.execute(f'ALTER TABLE "{kind.table}" ADD COLUMN "{name}" '
                                            f"{_sql_type(info.annotation)}")

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All or nothing: commit at the end of the outermost block, roll back on any error."""
        outermost = self._depth == 0
        if outermost:
            self.connection.begin()
        self._depth += 1
        try:
            yield self.connection
        except BaseException:
            self._depth -= 1
            if outermost:
                self.connection.rollback()
            raise
        self._depth -= 1
        if outermost:
            self.connection.commit()

    def table(self, kind_name: str) -> pd.DataFrame:
        """All rows of one record kind as a DataFrame (list fields stay ``;``-joined)."""
        kind = kind_named(kind_name)
        return self.connection.execute(f'SELECT * FROM "{kind.table}"').df()

    def count(self, kind_name: str) -> int:
        """Number of rows of one record kind."""
        kind = kind_named(kind_name)
        return int(self._scalar(f'SELECT count(*) FROM "{kind.table}"'))

    def _scalar(self, sql: str, parameters: list | None = None) -> object:
        # fetchall, not fetchone: DuckDB 2 refuses new work while a result is unfinished.
        return self.connection.execute(sql, parameters or []).fetchall()[0][0]

    def imports(self) -> pd.DataFrame:
        """The import log: one row per import, newest last."""
        return self.connection.execute("SELECT * FROM imports ORDER BY import_id").df()

    def get_meta(self, key: str) -> str | None:
        rows = self.connection.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall()
        return rows[0][0] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as connection:
            connection.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    def upsert(self, kind_name: str, frame: pd.DataFrame, file: str, sha256: str) -> int:
        """Replace rows with the same key and insert ``frame``; return the import id.

        Runs inside one transaction (joining an outer one if open).
        """
        kind = kind_named(kind_name)
        frame = frame[kind.columns].copy()
        for column in frame.columns:
            if frame[column].map(lambda value: isinstance(value, list)).any():
                frame[column] = frame[column].map(
                    lambda value: ";".join(value) if isinstance(value, list) else value)
        with self.transaction() as connection:
            import_id = int(self._scalar("SELECT coalesce(max(import_id), 0) + 1 FROM imports"))
            frame["import_id"] = import_id
            connection.register("incoming", frame)
            try:
                match = " AND ".join(
                    f't."{column}" IS NOT DISTINCT FROM i."{column}"' for column in kind.key)
                connection.execute(f'DELETE FROM "{kind.table}" t USING incoming i WHERE {match}')
                names = ", ".join(f'"{column}"' for column in frame.columns)
                connection.execute(
                    f'INSERT INTO "{kind.table}" ({names}) SELECT {names} FROM incoming')
            finally:
                connection.unregister("incoming")
            connection.execute(
                "INSERT INTO imports VALUES (?, ?, ?, ?, ?, now())",
                [import_id, kind.name, file, sha256, len(frame)])
        return import_id

    def export(self, directory: str | Path, fmt: str = "csv", *, raw: bool = False) -> list[Path]:
        """Write one file per table (``csv`` or ``parquet``) into ``directory``.

        CSV text cells that a spreadsheet would run as a formula get a leading ``'``
        (:mod:`paxsilica.io.csv_safety`) unless ``raw``."""
        if fmt not in {"csv", "parquet"}:
            raise StoreError(f"unknown export format {fmt!r} (use csv or parquet)")
        directory = Path(directory)
        if directory.exists() and not directory.is_dir():
            raise StoreError(f"cannot export into {directory}: it is a file, not a directory")
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create {directory}: {exc.strerror or exc}") from None
        written = []
        for name in [*KINDS, "imports"]:
            target = directory / f"{name}.{fmt}"
            option = "(FORMAT PARQUET)" if fmt == "parquet" else "(HEADER, DELIMITER ',')"
            # a literal, not a parameter: DuckDB binds COPY targets only from 1.4 (we allow 1.1)
            source = f'"{name}"'
            if fmt == "csv" and not raw:
                types = self.connection.execute(f'DESCRIBE "{name}"').fetchall()
                quoted = ['"' + column.replace('"', '""') + '"' for column, *_ in types]
                source = "(SELECT " + ", ".join(
                    neutralised_sql(column) if kind == "VARCHAR" else column
                    for column, (_, kind, *_) in zip(quoted, types, strict=True)) + f' FROM "{name}")'
            try:
                self.connection.execute(f"COPY {source} TO {sql_path(target.as_posix())} {option}")
            except duckdb.Error as exc:
                raise StoreError(f"cannot write {target}: {str(exc).splitlines()[0]}") from None
            written.append(target)
        return written

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
