"""What one running service holds: its settings, the store, the cached network, the key.

One :class:`~paxsilica.store.Store` serves every thread: readers use its per-thread read
cursors on the newest committed version of the file, so a long import in one request does
not block the others; writes (imports, audit rows, tokens, jobs) go through
:meth:`Store.transaction` (one writer at a time; on a file each write copies the database and
renames the copy over it on commit, so writes are kept few: job progress stays in memory).

Kept between requests (:mod:`paxsilica.service.cache`): the network and the answers of
read routes, per :func:`~paxsilica.store.versions.data_version` (an import or a restore
rebuilds them; a token, audit or job write does not), and who each token is, per
:attr:`~paxsilica.store.database.Store.version` (any write, a revocation included, drops it).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from paxsilica.certify.certificate import load_private_key, load_public_key
from paxsilica.limits import BODY_TIMEOUT_SECONDS, MAX_JSON_BODY_BYTES, MAX_QUEUED_JOBS
from paxsilica.model.network import StackNetwork
from paxsilica.service.access import token_hash
from paxsilica.service.cache import TokenCache, VersionedCache
from paxsilica.store import Store, open_store
from paxsilica.store.versions import data_version

__all__ = ["RateLimit", "ServiceConfig", "ServiceState"]

T = TypeVar("T")


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
    max_json_bytes: int = MAX_JSON_BODY_BYTES
    """Largest JSON request body (uploads are held to ``max_upload_bytes``)."""
    body_timeout: float = BODY_TIMEOUT_SECONDS
    """Seconds a request body may take to arrive in full (408 after)."""
    max_queued_jobs: int = MAX_QUEUED_JOBS
    """Most unfinished jobs per token (429 beyond)."""


class ServiceState:
    """The open store, per-thread cursors, the cached network and the signing key."""

    def __init__(self, config: ServiceConfig) -> None:
        self.config = config
        self.store = open_store(config.db)  # creates the registry's tables the file lacks
        self._network: tuple[str, StackNetwork] | None = None
        self._network_lock = threading.Lock()
        self.answers = VersionedCache()
        """Answers of read routes per data version (see :meth:`answer`)."""
        self.tokens = TokenCache()
        self.private_key: Ed25519PrivateKey | None = (
            load_private_key(config.sign_key) if config.sign_key else None)
        self.public_keys: list[Ed25519PublicKey] = [load_public_key(p) for p in config.trusted_keys]
        if self.private_key is not None:
            self.public_keys.insert(0, self.private_key.public_key())

    def reader(self) -> Store:
        """The store for reading (``store.connection`` is this thread's read cursor)."""
        return self.store

    @contextmanager
    def writer(self) -> Iterator[Store]:
        """The store inside one write transaction (all or nothing), serialised with every
        other write; ``store.connection`` is the transaction's connection in this thread."""
        with self.store.transaction():
            yield self.store

    def network(self) -> StackNetwork:
        """The stack network as stored now (rebuilt only after an import or a restore)."""
        store = self.reader()
        version = data_version(store)
        cached = self._network
        if cached is not None and cached[0] == version:
            return cached[1]
        with self._network_lock, store.snapshot():  # the version and the tables: one file
            version = data_version(store)
            if self._network is None or self._network[0] != version:
                self._network = (version, StackNetwork.from_store(store))
            return self._network[1]

    def answer(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``'s answer for ``key`` (a route and its request), kept while the
        data stay the same. The day is part of the key: answers "as of today" move at
        midnight."""
        return self.answers.get(data_version(self.reader()), (date.today(), key), compute)

    def principal(self, token: str, look_up: Callable[[Store, str], T]) -> T:
        """``look_up(store, token)`` (who holds the token), kept while the store is unchanged."""
        store = self.reader()
        return self.tokens.get(store.version, token_hash(token), lambda: look_up(store, token))

    def close(self) -> None:
        self.store.close()
