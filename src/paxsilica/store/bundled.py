"""The cited reference data shipped inside the package, loaded on first use.

The catalogue (stages, items, groups) is YAML in ``paxsilica/catalog``; the
data (memberships, supplies, recipes, companies, export controls) are CSV in
``paxsilica/data``. :func:`ensure_bundled` imports them in one transaction
when a database is new or holds an older bundled version.

Example:
    >>> store = open_store(":memory:")
    >>> store.count("memberships") > 30
    True
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import replace
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from paxsilica.errors import StoreBusyError
from paxsilica.store.database import Store, file_writable

__all__ = ["BUNDLED_FILES", "bundled_path", "ensure_bundled", "open_store"]

# (kind, package, file) in dependency order: referenced kinds first.
BUNDLED_FILES: list[tuple[str, str, str]] = [
    ("stages", "paxsilica.catalog", "stages.yaml"),
    ("items", "paxsilica.catalog", "items.yaml"),
    ("groups", "paxsilica.catalog", "groups.yaml"),
    ("memberships", "paxsilica.data", "memberships.csv"),
    ("companies", "paxsilica.data", "companies.csv"),
    ("facilities", "paxsilica.data", "facilities.csv"),
    ("supplies", "paxsilica.data", "supplies.csv"),
    ("secondary_supplies", "paxsilica.data", "secondary_supplies.csv"),
    ("recipes", "paxsilica.data", "recipes.csv"),
    ("ownership", "paxsilica.data", "ownership.csv"),
    ("export_controls", "paxsilica.data", "export_controls.csv"),
    ("item_parameters", "paxsilica.data", "item_parameters.csv"),
    # submarine cables (issue 21): built and cited by paxsilica, not TeleGeography's data
    ("companies", "paxsilica.data", "cable_companies.csv"),
    ("ownership", "paxsilica.data", "cable_ownership.csv"),
    ("cables", "paxsilica.data", "cables.csv"),
    ("landing_points", "paxsilica.data", "landing_points.csv"),
    ("cable_landings", "paxsilica.data", "cable_landings.csv"),
    ("corridors", "paxsilica.data", "corridors.csv"),
    # telecom equipment and space (issue 21)
    ("vendor_shares", "paxsilica.data", "vendor_shares.csv"),
    ("constellations", "paxsilica.data", "constellations.csv"),
    ("ground_stations", "paxsilica.data", "ground_stations.csv"),
]


def _resource(package: str, name: str) -> Traversable:
    return resources.files(package).joinpath(name)


def bundled_path(name: str) -> Path:
    """Filesystem path of a bundled data file, e.g. ``bundled_path("supplies.csv")``."""
    for _, package, file in BUNDLED_FILES:
        if file == name:
            return Path(str(_resource(package, file)))
    return Path(str(_resource("paxsilica.data", name)))


def _present() -> list[tuple[str, Path]]:
    found = []
    for kind, package, name in BUNDLED_FILES:
        resource = _resource(package, name)
        if resource.is_file():
            found.append((kind, Path(str(resource))))
    return found


def bundled_version() -> str:
    """SHA-256 over the bundled files' bytes: changes whenever the shipped data change."""
    digest = hashlib.sha256()
    for _, path in _present():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


# Kinds no other record refers to: rows of an older bundle that the new one no longer
# ships are removed on upgrade (a corrected or withdrawn figure must not linger).
RETIRABLE_KINDS = ("supplies", "memberships", "recipes", "ownership", "export_controls",
                   "item_parameters", "corridors", "cable_landings", "secondary_supplies",
                   "vendor_shares", "ground_stations")


def ensure_bundled(store: Store) -> bool:
    """Import the bundled data unless this exact version is already there; True if imported.

    On an upgrade, the rows an older bundle wrote to :data:`RETIRABLE_KINDS` are replaced
    by the new bundle's (rows the user imported are kept).
    """
    version = bundled_version()
    if store.get_meta("bundled_version") == version:
        return False
    # the importers and readers load only when there is something to import
    from paxsilica.io.tables import read_table
    from paxsilica.store.importer import import_table_rows

    # an empty store always ends up with the same rows: those validated for the first empty
    # store of this process are written again (tests and scratch stores open many)
    empty = store.get_meta("bundled_version") is None and not any(
        store.count(kind) for kind in dict.fromkeys(kind for kind, _, _ in BUNDLED_FILES))
    with store.transaction() as connection:
        if empty and version in _VALIDATED:
            for kind, rows, file, digest in _VALIDATED[version]:
                store.upsert(kind, rows, file, digest)
            store.set_meta("bundled_version", version)
            return True
        for kind in RETIRABLE_KINDS:
            connection.execute(
                f'DELETE FROM "{kind}" WHERE import_id IN '
                "(SELECT import_id FROM imports WHERE file LIKE 'bundled %')")
        written = []
        for kind, path in _present():
            table = read_table(path, kind)
            table = replace(table, file=f"bundled {path.name}")
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            _, rows = import_table_rows(store, kind, table, digest)
            written.append((kind, rows, table.file, digest))
        store.set_meta("bundled_version", version)
    if empty:
        _VALIDATED.clear()  # one version kept
        _VALIDATED[version] = written
    return True


_VALIDATED: dict[str, list[tuple[str, object, str, str]]] = {}
"""The validated bundled rows an empty store received, by bundled version (this process)."""


def open_store(path: str | Path = ":memory:", *, read_only: bool = False) -> Store:
    """Open a store holding the bundled data (``":memory:"``: a scratch one).

    ``read_only=False``: a store that can write; the bundled data are imported when the
    file is new or holds an older version, and only then.

    ``read_only=True``: a store that never writes, for commands that only read. On first
    use (no file yet), or when the shipped data changed and the file may be written, the
    file is brought up to date first (one write); a current or read-only file is opened
    as it is, without any write.

    Raises:
        StoreError: the file is not a DuckDB database, or cannot be created.
    """
    if not read_only or str(path) == ":memory:":
        store = Store(path)
        ensure_bundled(store)
        return store
    file = Path(path)
    if file.is_file() and file.stat().st_size > 0:
        reader = Store(file, read_only=True)
        if reader.get_meta("bundled_version") == bundled_version() or not _writable(file):
            return reader
        reader.close()
    _bring_up_to_date(file)
    return Store(file, read_only=True)


def _writable(file: Path) -> bool:
    return file_writable(file) and os.access(file.parent, os.W_OK)


def _bring_up_to_date(file: Path, wait: float = 60.0) -> None:
    """Create or refresh the file; when another process is writing it (e.g. creating it
    on first use too), wait for it rather than fail."""
    deadline = time.monotonic() + wait
    while True:
        try:
            with Store(file) as writer:
                ensure_bundled(writer)
            return
        except StoreBusyError:
            if file.is_file() or time.monotonic() > deadline:
                if file.is_file():
                    return  # the other writer's version will do for reading
                raise
            time.sleep(0.2)
