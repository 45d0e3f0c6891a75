"""A DuckDB database holding the tables of :mod:`paxsilica.store.schema`.

**Reading never writes.** ``Store(path, read_only=True)`` opens the file read-only and
runs no DDL; a table an older database lacks reads as empty. Each thread reads through
its own cursor, so a web server can answer concurrent requests from one ``Store``.

**Writers never block readers.** DuckDB allows one read-write process *or* many
read-only ones per file. A write (:meth:`Store.transaction`) therefore works on a copy of
the database file and, on commit, atomically renames the copy over the original
(``os.replace``, :class:`~paxsilica.store.files.CopyWriter`): readers in other processes
keep reading the old file until they next look, then see the new one whole; a failed or
killed write leaves the original untouched. Writers take an exclusive lock
(``<file>.lock``) first; a second writer gets :class:`~paxsilica.errors.StoreBusyError`.
Copying costs one pass over the file per write transaction, which is why importers group
their work into one transaction. (POSIX only: the rename of an open file, ``fcntl``.)

Example:
    >>> store = Store(":memory:")
    >>> sorted(store.table("stages").columns)
    ['description', 'import_id', 'name', 'order', 'stage_id']
"""

from __future__ import annotations

import atexit
import gc
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from paxsilica.errors import StoreError
from paxsilica.model.kinds import kind_named
from paxsilica.store.files import (
    CopyWriter,
    ReadView,
    check_database_file,
    file_writable,
    identity,
    table_columns,
)
from paxsilica.store.paths import default_db_path
from paxsilica.store.schema import TABLES, TableSpec, table_spec

__all__ = ["Store", "default_db_path", "file_writable"]

_OPEN_STORES: weakref.WeakSet[Store] = weakref.WeakSet()


@atexit.register
def _close_open_stores() -> None:
    # Close before interpreter teardown: DuckDB checkpoints, and its bindings do not
    # complain about objects still alive at exit.
    for store in list(_OPEN_STORES):
        store.close()
    gc.collect()  # frees DuckDB objects caught in reference cycles (e.g. by tracebacks)


class Store:
    """An open paxsilica database; ``path=":memory:"`` for a throw-away one.

    ``read_only=True`` never writes (no DDL, no bundled data): the file must exist.
    Otherwise tables missing from the file are created (only when some are missing).
    """

    def __init__(self, path: str | Path = ":memory:", *, read_only: bool = False) -> None:
        self.path = str(path)
        self.memory = self.path == ":memory:"
        self.read_only = read_only and not self.memory
        self._lock = threading.RLock()  # one writer at a time, held for a whole transaction
        self._generation_lock = threading.Lock()  # readers swapping to a newer file version
        self._local = threading.local()
        self._depth = 0
        self._writer: duckdb.DuckDBPyConnection | None = None
        self._writer_thread: int | None = None
        self._generation: ReadView | None = None
        self._closed = False
        self._commits = 0  # of a :memory: store: its version
        if self.memory:
            self._memory = duckdb.connect(":memory:")
        else:
            file = Path(self.path)
            check_database_file(file)
            if self.read_only and (not file.is_file() or file.stat().st_size == 0):
                raise StoreError(f"cannot open database {self.path} read-only: "
                                 + ("no such file" if not file.is_file() else "the file is empty"))
        _OPEN_STORES.add(self)
        if not self.read_only and self._missing_schema():
            with self.transaction():
                pass  # creates the tables (see transaction)

    @classmethod
    def open(cls, path: str | Path = ":memory:", *, read_only: bool = False) -> Store:
        """Same as ``Store(path, read_only=...)``."""
        return cls(path, read_only=read_only)

    # -- schema ---------------------------------------------------------------------------

    def _missing_schema(self) -> bool:
        if not self.memory and (not Path(self.path).is_file() or Path(self.path).stat().st_size == 0):
            return True  # no file yet, or an empty one (DuckDB makes it a database)
        present = self.columns()
        return any(spec.name not in present or set(spec.column_names) - set(present[spec.name])
                   for spec in TABLES.values())

    @staticmethod
    def _create_schema(connection: duckdb.DuckDBPyConnection) -> None:
        """Create missing tables and add columns a spec gained since (the only DDL)."""
        present = table_columns(connection)
        for spec in TABLES.values():
            if spec.name not in present:
                connection.execute(spec.ddl())
                continue
            for name, sql in spec.columns:
                if name not in present[spec.name]:
                    connection.execute(f'ALTER TABLE "{spec.name}" ADD COLUMN "{name}" {sql}')

    def columns(self) -> dict[str, list[str]]:
        """Table -> column names, as stored (an older file may lack some)."""
        if self._in_transaction() or self.memory:
            return table_columns(self.connection)
        self.connection  # noqa: B018 (refreshes the generation)
        generation = self._local.generation
        return generation.columns

    # -- connections ----------------------------------------------------------------------

    def _in_transaction(self) -> bool:
        return self._writer is not None and self._writer_thread == threading.get_ident()

    @property
    def writing(self) -> bool:
        """Whether this thread is inside a write transaction (it reads what it wrote)."""
        return self._in_transaction()

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """This thread's connection: the write transaction's inside one, else a read cursor
        on the newest committed version of the file."""
        if self._closed:
            raise StoreError(f"database {self.path} is closed")
        if self._in_transaction():
            return self._writer  # type: ignore[return-value]
        if self.memory:
            cursor = getattr(self._local, "cursor", None)
            if cursor is None:
                cursor = self._local.cursor = self._memory.cursor()
            return cursor
        return self._reader()

    def _reader(self) -> duckdb.DuckDBPyConnection:
        local = self._local
        mine: ReadView | None = getattr(local, "generation", None)
        if mine is not None and getattr(local, "pinned", 0):
            return local.cursor
        with self._generation_lock:
            current = self._generation
            if current is None or current.identity != identity(Path(self.path)):
                if current is not None:
                    current.retired = True
                    if current.users <= 0:
                        current.base.close()
                current = self._generation = ReadView(Path(self.path))
            if mine is not current:
                if mine is not None:
                    mine.release(local.cursor)
                local.cursor, local.generation = current.cursor(), current
        return local.cursor

    @contextmanager
    def snapshot(self) -> Iterator[Store]:
        """Read several tables from one version of the file (no refresh in between)."""
        self.connection  # noqa: B018
        self._local.pinned = getattr(self._local, "pinned", 0) + 1
        try:
            yield self
        finally:
            self._local.pinned -= 1

    # -- writing --------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All or nothing: commit at the end of the outermost block, roll back on any error.

        On a file, the outermost block takes the writer lock, copies the file, writes the
        copy and renames it over the original on success.

        Raises:
            StoreError: the store is read-only or the file cannot be written.
            StoreBusyError: another process is writing the file.
        """
        if self.read_only:
            raise StoreError(f"database {self.path} is open read-only; nothing can be written")
        with self._lock:
            outermost = self._depth == 0
            if outermost:
                self._begin()
            self._depth += 1
            try:
                yield self._writer  # type: ignore[misc]
            except BaseException:
                self._depth -= 1
                if outermost:
                    self._abort()
                raise
            self._depth -= 1
            if outermost:
                self._commit()

    def _begin(self) -> None:
        if self.memory:
            self._writer = self._memory
            self._writer.begin()
        else:
            self._writer = self._open_copy()
        self._writer_thread = threading.get_ident()
        try:
            self._create_schema(self._writer)
        except BaseException:
            self._abort()
            raise

    def _open_copy(self) -> duckdb.DuckDBPyConnection:
        self._copy_writer = CopyWriter(Path(self.path))
        return self._copy_writer.connection

    def _commit(self) -> None:
        writer, self._writer, self._writer_thread = self._writer, None, None
        assert writer is not None
        if self.memory:
            writer.commit()
        else:
            self._copy_writer.commit()
        self._commits += 1

    def _abort(self) -> None:
        writer, self._writer, self._writer_thread = self._writer, None, None
        if writer is None:
            return
        if self.memory:
            writer.rollback()
        else:
            self._copy_writer.abort()

    # -- versions ---------------------------------------------------------------------------

    @property
    def version(self) -> object:
        """Changes with every committed write: the identity (inode, modification time, size)
        of the file version this thread reads, or a count of commits for ``:memory:``. Cheap
        (one ``stat``); caches key on it (see :mod:`paxsilica.store.versions`)."""
        if self.memory or self._in_transaction():
            return ("commits", self._commits)
        self.connection  # noqa: B018 (this thread now reads the newest version, unless pinned)
        return self._local.generation.identity

    # -- reading --------------------------------------------------------------------------

    def read(self, name: str, where: str = "", parameters: list | None = None) -> pd.DataFrame:
        """All rows of a registered table (``where`` an SQL condition). A table or column an
        older database lacks reads as empty, with the spec's columns."""
        spec = table_spec(name)
        stored = self.columns().get(spec.name)
        if stored is None:
            return _empty(spec)
        frame = self.connection.execute(f'SELECT * FROM "{spec.name}"'
                                        + (f" WHERE {where}" if where else ""),
                                        parameters or []).df()
        for column in spec.column_names:
            if column not in frame:
                frame[column] = pd.Series([None] * len(frame), dtype=object)
        return frame

    def table(self, kind_name: str) -> pd.DataFrame:
        """All rows of one record kind as a DataFrame (list fields stay ``;``-joined)."""
        return self.read(kind_named(kind_name).table)

    def count(self, kind_name: str) -> int:
        """Number of rows of one record kind (or of any registered table)."""
        name = kind_name if kind_name in TABLES else kind_named(kind_name).table
        if name not in self.columns():
            return 0
        return int(self._scalar(f'SELECT count(*) FROM "{name}"'))

    def counts(self) -> pd.DataFrame:
        """Rows per table (every registered table but ``meta``): ``table, rows``."""
        names = [name for name in TABLES if name != "meta"]
        return pd.DataFrame({"table": names, "rows": [self.count(name) for name in names]})

    def _scalar(self, sql: str, parameters: list | None = None) -> object:
        # fetchall, not fetchone: DuckDB 2 refuses new work while a result is unfinished.
        return self.connection.execute(sql, parameters or []).fetchall()[0][0]

    def trade_flows(self, dataset: str | None = None) -> pd.DataFrame:
        """Stored trade flows (all datasets unless one is named); an empty frame when none
        were imported (or the file predates the table). A Comtrade flow reported by its
        exporter is dropped where its importer reported it too (mirror flows)."""
        if "trade_flows" not in self.columns():
            return self.read("trade_flows")
        query = ("SELECT * FROM trade_flows t WHERE NOT (t.dataset = 'comtrade' "
                 "AND coalesce(t.reporter = t.exporter, false) AND EXISTS (SELECT 1 FROM "
                 "trade_flows m WHERE m.dataset = 'comtrade' AND m.reporter = m.importer "
                 "AND m.year = t.year AND m.exporter = t.exporter AND m.importer = t.importer "
                 "AND m.hs6 = t.hs6 AND m.item_id = t.item_id))"
                 + (" AND t.dataset = ?" if dataset else ""))
        return self.connection.execute(query, [dataset] if dataset else []).df()

    def imports(self) -> pd.DataFrame:
        """The import log: one row per import, newest last."""
        return self.read("imports").sort_values("import_id").reset_index(drop=True)

    def get_meta(self, key: str) -> str | None:
        if "meta" not in self.columns():
            return None
        rows = self.connection.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall()
        return rows[0][0] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as connection:
            connection.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    def next_import_id(self) -> int:
        """The id the next import gets (inside a transaction)."""
        return int(self._scalar("SELECT coalesce(max(import_id), 0) + 1 FROM imports"))

    def log_import(self, import_id: int, kind: str, file: str, sha256: str, rows: int) -> None:
        """Add one row to the import log (inside the importer's transaction)."""
        self.connection.execute("INSERT INTO imports VALUES (?, ?, ?, ?, ?, now())",
                                [import_id, kind, file, sha256, rows])

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
            import_id = self.next_import_id()
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
            self.log_import(import_id, kind.name, file, sha256, len(frame))
        return import_id

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self.memory:
            self._memory.close()
            return
        generation = self._generation
        if generation is not None:
            generation.base.close()  # closes every cursor made from it

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _empty(spec: TableSpec) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series([], dtype=object) for name in spec.column_names})
