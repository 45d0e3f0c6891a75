"""The embedded DuckDB store: typed tables, transactional imports, exports."""

from paxsilica.store.bundled import ensure_bundled, open_store
from paxsilica.store.database import Store, default_db_path
from paxsilica.store.importer import ImportReport, import_file

__all__ = ["ImportReport", "Store", "default_db_path", "ensure_bundled", "import_file", "open_store"]
