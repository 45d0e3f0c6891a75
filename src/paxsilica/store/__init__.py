"""The embedded DuckDB store: declared tables, transactional imports, exports, readers.

See :mod:`paxsilica.store.schema` (every table, declared once),
:mod:`paxsilica.store.database` (read-only opening, copy-on-write transactions) and
:mod:`paxsilica.store.transfer` (export and restore of every table).

Names load on first use (``from paxsilica.store import open_store`` imports the reading
path only, not the importers and validators), so that a command that only reads starts
quickly.
"""

from __future__ import annotations

from paxsilica._lazy import lazy_names

NAMES: dict[str, str] = {
    "TABLES": "paxsilica.store.schema",
    "TableSpec": "paxsilica.store.schema",
    "ImportReport": "paxsilica.store.importer",
    "import_file": "paxsilica.store.importer",
    "import_files": "paxsilica.store.importer",
    "Store": "paxsilica.store.database",
    "default_db_path": "paxsilica.store.paths",
    "ensure_bundled": "paxsilica.store.bundled",
    "open_store": "paxsilica.store.bundled",
    "export_store": "paxsilica.store.transfer",
    "restore_store": "paxsilica.store.transfer",
}
"""Public name -> the module that defines it."""

__all__ = sorted(NAMES)

__getattr__, __dir__ = lazy_names(__name__, NAMES)
