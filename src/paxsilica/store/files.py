"""The files behind a :class:`~paxsilica.store.database.Store`: read-only views of one
version of the database file, and writers that work on a copy and rename it in.

DuckDB allows one read-write process *or* many read-only ones per file; renaming a
finished copy over the file (``os.replace``) lets readers in other processes keep reading
the old version while an import runs. Readers attach the file from a fresh in-memory
DuckDB each time (DuckDB caches databases by path, so connecting again would return the
old version). POSIX only (``fcntl`` locks, renaming an open file).
"""

from __future__ import annotations

import glob
import os
import shutil
import time
from pathlib import Path

import duckdb

from paxsilica.errors import StoreBusyError, StoreError
from paxsilica.store.paths import identity

__all__ = ["ATTACHED", "DUCKDB_MAGIC", "CopyWriter", "ReadView", "check_database_file",
           "file_writable", "identity", "table_columns"]

ATTACHED = "paxsilica_db"
"""Catalog name under which readers attach the database file (read-only)."""

DUCKDB_MAGIC = b"DUCK"
"""Bytes 8-11 of every DuckDB database file (after an 8-byte checksum)."""


def check_database_file(path: Path) -> None:
    """Refuse a path that exists but is not a DuckDB database (``data.csv``): DuckDB
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


def file_writable(path: Path) -> bool:
    """True unless the file is read-only: no write permission for us, or no write bit at
    all (honoured even for root, who could write it anyway)."""
    return os.access(path, os.W_OK) and bool(path.stat().st_mode & 0o222)


class ReadView:
    """One read-only view of one version of the file: an in-memory DuckDB that attaches
    it (a fresh instance each time, so a renamed-in file is really reopened)."""

    def __init__(self, path: Path) -> None:
        self.identity = identity(path)
        literal = "'" + str(path).replace("'", "''") + "'"
        try:
            self.base = duckdb.connect(":memory:")
            self.base.execute(f"ATTACH {literal} AS {ATTACHED} (READ_ONLY)")
            self.base.execute(f"USE {ATTACHED}")
        except duckdb.Error as exc:
            raise StoreError(f"cannot open database {path}: {str(exc).splitlines()[0]}") from None
        self.users = 0
        self.retired = False
        self.columns = table_columns(self.base)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cursor = self.base.cursor()
        cursor.execute(f"USE {ATTACHED}")
        self.users += 1
        return cursor

    def release(self, cursor: duckdb.DuckDBPyConnection) -> None:
        cursor.close()
        self.users -= 1
        if self.retired and self.users <= 0:
            self.base.close()


def table_columns(connection: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Table -> its columns, in the connection's current database."""
    rows = connection.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = "
        "current_database() AND schema_name = 'main' ORDER BY table_name, column_index").fetchall()
    found: dict[str, list[str]] = {}
    for table, column in rows:
        found.setdefault(table, []).append(column)
    return found


class CopyWriter:
    """One write transaction on a file: takes the writer lock, copies the file, and on
    :meth:`commit` renames the written copy over it (on :meth:`abort`, deletes the copy).

    Raises:
        StoreError: the file is read-only or cannot be written.
        StoreBusyError: another process holds the writer lock.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        if path.is_file() and not file_writable(path):
            raise StoreError(f"cannot write database {path}: the file is read-only "
                             "(commands that only read still work)")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._lock_file = acquire_lock(path)
        except OSError as exc:
            raise StoreError(f"cannot write database {path}: {exc.strerror or exc}") from None
        for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp*"):  # a killed writer's copy
            stale.unlink(missing_ok=True)  # (safe: we hold the lock, no other writer runs)
        self._copy = path.with_name(f".{path.name}.{os.getpid()}.{time.monotonic_ns()}.tmp")
        try:
            if path.is_file() and path.stat().st_size > 0:
                shutil.copyfile(path, self._copy)
                wal = Path(f"{path}.wal")  # left by an older version that wrote in place
                if wal.is_file():
                    shutil.copyfile(wal, Path(f"{self._copy}.wal"))
                os.chmod(self._copy, path.stat().st_mode & 0o777)
            self.connection = duckdb.connect(str(self._copy))
            self.connection.begin()
        except (OSError, duckdb.Error) as exc:
            self._discard_copy()
            release_lock(self._lock_file)
            raise StoreError(f"cannot write database {path}: "
                             f"{getattr(exc, 'strerror', None) or str(exc).splitlines()[0]}") from None

    def commit(self) -> None:
        """Commit, close (DuckDB checkpoints) and rename the copy over the file."""
        path, writer = self.path, self.connection
        try:
            writer.commit()
            writer.close()  # checkpoints: the copy is complete, without a WAL
            with open(self._copy, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(self._copy, path)
            Path(f"{path}.wal").unlink(missing_ok=True)
            fsync_directory(path.parent)
        except (OSError, duckdb.Error) as exc:
            self._discard_copy()
            raise StoreError(f"cannot write database {path}: "
                             f"{getattr(exc, 'strerror', None) or str(exc).splitlines()[0]}") from None
        finally:
            release_lock(self._lock_file)

    def abort(self) -> None:
        """Close and delete the copy; the file is unchanged."""
        try:
            self.connection.close()
        finally:
            self._discard_copy()
            release_lock(self._lock_file)

    def _discard_copy(self) -> None:
        for leftover in (self._copy, Path(f"{self._copy}.wal")):
            leftover.unlink(missing_ok=True)


def acquire_lock(path: Path) -> int:
    """An exclusive, non-blocking lock on ``<path>.lock`` (file descriptor)."""
    import fcntl

    descriptor = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        raise StoreBusyError(f"database {path} is being written by another process (an import?); "
                             "try again when it has finished (reading it works meanwhile)") from None
    return descriptor


def release_lock(descriptor: int) -> None:
    """Release and close a lock taken by :func:`acquire_lock`."""
    import fcntl

    fcntl.flock(descriptor, fcntl.LOCK_UN)
    os.close(descriptor)


def fsync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable (best effort)."""
    try:
        handle = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
