"""What the service keeps between requests, per version of the store.

* :class:`VersionedCache` — answers of read routes (exposure records, chokepoints,
  the network's tables as records) keyed by the request, kept while the store's
  :func:`~paxsilica.store.versions.data_version` stays the same: an import or a restore
  empties it, a token, audit or job write does not. Bounded by entries and by rows held,
  least recently used first out.
* :class:`TokenCache` — who each token is, kept while the store's
  :attr:`~paxsilica.store.database.Store.version` stays the same: any committed write
  (a revocation included, by this service or by ``paxsilica tokens revoke`` in another
  process) empties it, so a revoked token stops working at its next request.

Example:
    >>> cache = VersionedCache(entries=2)
    >>> cache.get("v1", "a", lambda: [1, 2]), cache.get("v1", "a", lambda: [3])
    ([1, 2], [1, 2])
    >>> cache.get("v2", "a", lambda: [3])  # a new data version: computed again
    [3]
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

__all__ = ["TokenCache", "VersionedCache"]

T = TypeVar("T")


def _rows(value: object) -> int:
    return len(value) if isinstance(value, list) else 1


class VersionedCache:
    """A least-recently-used map of answers for one data version at a time.

    ``entries`` answers at most, holding ``rows`` list items at most in all (an answer
    larger than a tenth of ``rows`` is computed each time, never kept).
    """

    def __init__(self, entries: int = 256, rows: int = 500_000) -> None:
        self.entries, self.rows = entries, rows
        self._version: Hashable = None
        self._answers: OrderedDict[Hashable, object] = OrderedDict()
        self._held = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, version: Hashable, key: Hashable, compute: Callable[[], T]) -> T:
        """The answer for ``key`` under ``version``, computed (outside the lock) when not kept."""
        with self._lock:
            if version != self._version:
                self._version, self._held = version, 0
                self._answers.clear()
            if key in self._answers:
                self._answers.move_to_end(key)
                self.hits += 1
                return self._answers[key]  # type: ignore[return-value]
            self.misses += 1
        answer = compute()
        size = _rows(answer)
        if size > self.rows // 10:
            return answer
        with self._lock:
            if version == self._version and key not in self._answers:
                self._answers[key] = answer
                self._held += size
                while len(self._answers) > self.entries or self._held > self.rows:
                    _, dropped = self._answers.popitem(last=False)
                    self._held -= _rows(dropped)
        return answer

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()
            self._version, self._held = None, 0


class TokenCache:
    """``token digest -> principal (or None: unknown or revoked)`` for one store version."""

    def __init__(self, entries: int = 4096) -> None:
        self.entries = entries
        self._version: Hashable = None
        self._known: dict[str, object] = {}
        self._lock = threading.Lock()

    def get(self, version: Hashable, digest: str, look_up: Callable[[], T]) -> T:
        with self._lock:
            if version != self._version:
                self._version = version
                self._known.clear()
            if digest in self._known:
                return self._known[digest]  # type: ignore[return-value]
        found = look_up()
        with self._lock:
            if version == self._version:
                if len(self._known) >= self.entries:  # a flood of made-up tokens: start afresh
                    self._known.clear()
                self._known[digest] = found
        return found
