"""Versions of a store that caches key on: what the stack network is built from.

:attr:`Store.version <paxsilica.store.database.Store.version>` changes with every
committed write (one ``stat`` of the file). :func:`data_version` is a digest of the import
log and of the bundled data's version: every import of records or trade flows logs a row,
a restore brings its own log, a bundled upgrade changes the bundled version; writes of
tokens, the audit trail or jobs leave it alone. So a service can keep its network (and
tables derived from it) across token changes and rebuild it after an import or a restore.

Example:
    >>> from paxsilica.store.bundled import open_store
    >>> store = open_store(":memory:")
    >>> before = data_version(store)
    >>> store.set_meta("note", "a token or an audit row does not change the data")
    >>> data_version(store) == before
    True
"""

from __future__ import annotations

import hashlib
import json
import threading
import weakref

from paxsilica.store.database import Store

__all__ = ["data_version"]

_MEMO: weakref.WeakKeyDictionary[Store, tuple[object, str]] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def data_version(store: Store) -> str:
    """The digest of the data behind the network (see the module docstring); computed once
    per :attr:`Store.version`, then one ``stat`` per call."""
    if store.writing:  # the writer's uncommitted view: never memoised
        return _digest(store)
    with store.snapshot():  # the version and the log from one version of the file
        version = store.version
        with _LOCK:
            cached = _MEMO.get(store)
        if cached is not None and cached[0] == version:
            return cached[1]
        digest = _digest(store)
    with _LOCK:
        _MEMO[store] = (version, digest)
    return digest


def _digest(store: Store) -> str:
    log = (store.connection.execute("SELECT * FROM imports ORDER BY import_id").fetchall()
           if "imports" in store.columns() else [])
    text = json.dumps([store.get_meta("bundled_version"), log], default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
