"""The embedded DuckDB store: declared tables, transactional imports, exports, readers.

See :mod:`paxsilica.store.schema` (every table, declared once),
:mod:`paxsilica.store.database` (read-only opening, copy-on-write transactions) and
:mod:`paxsilica.store.transfer` (export and restore of every table).
"""

from paxsilica.store.bundled import ensure_bundled, open_store
from paxsilica.store.database import Store, default_db_path
from paxsilica.store.importer import ImportReport, import_file, import_files
from paxsilica.store.schema import TABLES, TableSpec
from paxsilica.store.transfer import export_store, restore_store

__all__ = ["TABLES", "ImportReport", "Store", "TableSpec", "default_db_path", "ensure_bundled",
           "export_store", "import_file", "import_files", "open_store", "restore_store"]
