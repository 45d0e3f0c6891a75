"""What one running service holds: its settings, the store, the cached network, the key.

Readers each get a DuckDB cursor of their own (one per thread), so a long import in
one request does not block the others: DuckDB gives each cursor a consistent
snapshot. Writes (imports, audit rows, tokens, jobs) go through one lock.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from paxsilica.certify.certificate import load_private_key, load_public_key
from paxsilica.model.network import StackNetwork
from paxsilica.service.tables import ensure_service_tables
from paxsilica.store import Store, open_store

__all__ = ["RateLimit", "ServiceConfig", "ServiceState"]


@dataclass(frozen=True)
class RateLimit:
    """Token bucket per access token on expensive routes: ``rate`` requests per second
    sustained, bursts of up to ``burst``."""

    rate: float = 5.0
    burst: int = 20


@dataclass(frozen=True)
class ServiceConfig:
    """Settings of ``paxsilica serve``."""

    db: Path | str = ":memory:"
    max_upload_bytes: int = 32 * 1024 * 1024
    sign_key: Path | None = None
    """Ed25519 private key (PEM): certificates are signed with it and verified against it."""
    trusted_keys: tuple[Path, ...] = ()
    """Further Ed25519 public keys (PEM) whose certificates ``/verify`` accepts."""
    scheduler: str | None = None
    """Dask scheduler address for jobs; None starts a LocalCluster on first use."""
    rate_limit: RateLimit = field(default_factory=RateLimit)
    max_names: int = 1000
    """Most names one ``/screen`` request may hold."""


class _CursorStore(Store):
    """A :class:`Store` over its own cursor of an open store's database (one per thread).

    TODO(api): use ``Store.open(read_only=True)`` / the store's cursor per thread once merged.
    """

    def __init__(self, parent: Store) -> None:  # no schema work: the parent did it
        self.path = parent.path
        self.connection = parent.connection.cursor()
        self._depth = 0


class ServiceState:
    """The open store, per-thread cursors, the cached network and the signing key."""

    def __init__(self, config: ServiceConfig) -> None:
        self.config = config
        self.store = open_store(config.db)
        ensure_service_tables(self.store)
        self.write_lock = threading.Lock()
        self._local = threading.local()
        self._network: tuple[tuple, StackNetwork] | None = None
        self._network_lock = threading.Lock()
        self.private_key: Ed25519PrivateKey | None = (
            load_private_key(config.sign_key) if config.sign_key else None)
        self.public_keys: list[Ed25519PublicKey] = [load_public_key(p) for p in config.trusted_keys]
        if self.private_key is not None:
            self.public_keys.insert(0, self.private_key.public_key())

    def reader(self) -> Store:
        """This thread's store cursor."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = _CursorStore(self.store)
        return store

    @contextmanager
    def writer(self) -> Iterator[Store]:
        """The store for one write, serialised with every other write of the service."""
        with self.write_lock:
            yield self.reader()

    def _generation(self, store: Store) -> tuple:
        return tuple(store.connection.execute(
            "SELECT coalesce(max(import_id), 0), count(*), "
            "(SELECT value FROM meta WHERE key = 'bundled_version') FROM imports").fetchall()[0])

    def network(self) -> StackNetwork:
        """The stack network as stored now (rebuilt only after an import changed it)."""
        store = self.reader()
        generation = self._generation(store)
        cached = self._network
        if cached is not None and cached[0] == generation:
            return cached[1]
        with self._network_lock:
            if self._network is None or self._network[0] != generation:
                self._network = (generation, StackNetwork.from_store(store))
            return self._network[1]

    def close(self) -> None:
        self.store.close()
