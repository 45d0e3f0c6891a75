"""Where the database lives by default (no DuckDB import: the CLI's fast paths use it).

Example:
    >>> default_db_path().name
    'paxsilica.duckdb'
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

__all__ = ["default_db_path"]


def default_db_path() -> Path:
    """``<user data dir>/paxsilica/paxsilica.duckdb`` (e.g. ``~/.local/share/paxsilica``)."""
    return platformdirs.user_data_path("paxsilica") / "paxsilica.duckdb"
