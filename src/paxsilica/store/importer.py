"""Import files into the store: read, validate against the store, upsert in one transaction.

Re-importing the same file replaces the rows with the same keys, so it is
idempotent. A bad row rejects the whole file and leaves the store unchanged.

Example:
    >>> import tempfile, pathlib
    >>> store = Store(":memory:")
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "stages.csv"
    >>> _ = path.write_text("stage_id,name,order\\nmine,Mining,0\\n", encoding="utf-8")
    >>> import_file(store, "stages", path).rows
    1
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from paxsilica.errors import RowError, ValidationError
from paxsilica.io.tables import Table, read_table
from paxsilica.model.kinds import KINDS, kind_named
from paxsilica.store.database import Store
from paxsilica.validate.records import context_kinds, validate_table

__all__ = ["ImportReport", "import_file", "import_files", "import_table", "validate_file",
           "validate_store"]


@dataclass(frozen=True)
class ImportReport:
    """What one import wrote."""

    kind: str
    file: str
    rows: int
    import_id: int


def _context(store: Store, kind_name: str) -> dict[str, pd.DataFrame]:
    return {name: store.table(name) for name in context_kinds(kind_name)}


def _fill_source(table: Table, source: str | None) -> Table:
    if source is None:
        return table
    frame = table.frame.copy()
    if "source" not in frame:
        frame["source"] = source
    else:
        frame["source"] = frame["source"].where(frame["source"].notna(), source)
    return replace(table, frame=frame)


def validate_file(store: Store, kind_name: str, path: str | Path,
                  source: str | None = None) -> pd.DataFrame:
    """Read and validate ``path`` against the store's contents; write nothing."""
    table = _fill_source(read_table(path, kind_named(kind_name).name), source)
    return validate_table(kind_name, table, _context(store, kind_name))


def import_table(store: Store, kind_name: str, table: Table, sha256: str = "") -> ImportReport:
    """Validate and write an already-read table; all or nothing.

    Validation reads the stored rows, so checks of sums and cycles cover the store as it
    will be after the import (in the same transaction).
    """
    return import_table_rows(store, kind_name, table, sha256)[0]


def import_table_rows(store: Store, kind_name: str, table: Table,
                      sha256: str = "") -> tuple[ImportReport, pd.DataFrame]:
    """:func:`import_table`, also returning the validated rows it wrote (as the store's
    upsert takes them: ``Store.upsert(kind, rows, file, sha256)`` writes them again)."""
    kind = kind_named(kind_name)
    with store.transaction():
        frame = validate_table(kind.name, table, _context(store, kind.name))
        import_id = store.upsert(kind.name, frame, table.file, sha256)
    return ImportReport(kind.name, table.file, len(frame), import_id), frame


def import_file(store: Store, kind_name: str, path: str | Path,
                source: str | None = None) -> ImportReport:
    """Import one file of ``kind_name`` records; ``source`` fills blank source cells.

    Raises:
        ValidationError: any bad row (nothing is written).
    """
    path = Path(path)
    kind = kind_named(kind_name)
    table = _fill_source(read_table(path, kind.name), source)
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    return import_table(store, kind.name, table, sha256)


def import_files(store: Store, kind_name: str, paths: list[str | Path],
                 source: str | None = None) -> list[ImportReport]:
    """Import several files of one kind as one transaction: a bad file anywhere imports
    none of them (each file is validated against the store and the files before it).

    Raises:
        ValidationError: any bad row of any file (nothing is written).
    """
    kind = kind_named(kind_name)
    with store.transaction():
        return [import_file(store, kind.name, path, source=source) for path in paths]


def validate_store(store: Store) -> dict[str, int]:
    """Re-check every table of the store against the schemas and references.

    Returns the number of valid rows per kind.

    Raises:
        ValidationError: every problem, with ``file`` = ``store:<table>`` and the row number.
    """
    counts: dict[str, int] = {}
    problems: list[RowError] = []
    for kind in KINDS.values():
        frame = store.table(kind.name).drop(columns="import_id")
        if frame.empty:
            counts[kind.name] = 0
            continue
        frame = frame.astype(object).where(frame.notna(), None)
        table = Table(frame.reset_index(drop=True), f"store:{kind.name}", 1)
        try:
            counts[kind.name] = len(validate_table(kind.name, table, _context(store, kind.name)))
        except ValidationError as exc:
            problems.extend(exc.errors)
    if problems:
        raise ValidationError(problems)
    return counts
