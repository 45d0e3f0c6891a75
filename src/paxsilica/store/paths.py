"""Where the database lives by default, and which version of the file is there (no DuckDB
import: the CLI's fast paths use these).

Example:
    >>> default_db_path().name
    'paxsilica.duckdb'
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

__all__ = ["default_db_path", "identity"]


def default_db_path() -> Path:
    """``<user data dir>/paxsilica/paxsilica.duckdb`` (e.g. ``~/.local/share/paxsilica``)."""
    return platformdirs.user_data_path("paxsilica") / "paxsilica.duckdb"


def identity(path: Path) -> tuple[int, int, int] | None:
    """``(inode, modification time in ns, size)`` of the file, ``None`` when it cannot be
    read: every committed write replaces the database file, so this changes with each."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)
