"""Results that cost seconds, kept on disk between processes, keyed on code and data.

The planner's bundled example (a solve and its cost game, about 20 s) is the same for
every report of the same data made by the same paxsilica: a second ``paxsilica report``,
the next request of another service worker, another test process. :func:`cached` keeps
such a result in the user's cache folder under a key made of what it was computed from
(the caller's digest of the data) and of **this copy of paxsilica** (a digest of every file
of the installed package, so an edited or upgraded package never reads an older result).

* Folder: ``$PAXSILICA_CACHE_DIR``, else ``$XDG_CACHE_HOME/paxsilica``, else
  ``~/.cache/paxsilica``; ``PAXSILICA_CACHE_DIR=off`` turns the cache off.
* Concurrent processes asking for the same key compute it once: the first holds a lock
  file (``fcntl.flock``), the others wait for it and read its result.
* Entries are written atomically (:mod:`.atomic`); an entry that cannot be read (truncated,
  from another Python) is computed again and replaced; a folder that cannot be written
  only means no caching. The cache holds pickles: it is for results this user computed,
  in a folder only this user writes (created with mode 0700).

Example:
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> cached("example", "data-digest", lambda: 6 * 7, folder=folder)
    42
    >>> cached("example", "data-digest", lambda: 0, folder=folder)   # read back, not computed
    42
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import TypeVar

from paxsilica.errors import PaxsilicaError
from paxsilica.io.atomic import write_atomic

__all__ = ["cache_folder", "cached", "code_digest"]

T = TypeVar("T")
_SUFFIXES = (".py", ".yaml", ".yml", ".csv", ".json", ".toml")
LIBRARIES = ("numpy", "pandas", "scipy", "highspy", "linopy", "xarray", "duckdb")
"""Libraries whose version is part of every key."""


def cache_folder() -> Path | None:
    """The cache folder (see the module docstring), or ``None`` when turned off."""
    chosen = os.environ.get("PAXSILICA_CACHE_DIR")
    if chosen and chosen.strip().lower() in {"off", "0", "none"}:
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "paxsilica"


@cache
def code_digest() -> str:
    """A digest of every source and data file of the installed package, of Python's version
    and of the versions of the libraries that compute (:data:`LIBRARIES`): results cached by
    another copy of paxsilica, or with another solver, never match."""
    from importlib import metadata

    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(sys.version.encode())
    for library in LIBRARIES:
        try:
            digest.update(f"{library} {metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library} absent".encode())
    for path in sorted(root.rglob("*")):
        if path.suffix in _SUFFIXES and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` (created), or no lock where ``fcntl`` is missing."""
    try:
        import fcntl
    except ImportError:  # not POSIX: two processes may both compute, each writes atomically
        yield
        return
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read(path: Path) -> tuple[bool, object]:
    """``(True, value)`` of an entry; ``(False, None)`` when it is missing, or damaged or
    foreign (recomputed, not an error)."""
    try:
        with open(path, "rb") as handle:
            return True, pickle.load(handle)
    except Exception:
        return False, None


def _prune(folder: Path, kind: str, keep: int) -> None:
    """Remove all but the ``keep`` most recently written entries of ``kind``."""
    entries = sorted(folder.glob(f"{kind}-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in entries[keep:]:
        stale.unlink(missing_ok=True)
        (folder / f".{stale.stem}.lock").unlink(missing_ok=True)


def cached(kind: str, data_key: str, compute: Callable[[], T], folder: Path | None = None,
           keep: int | None = None) -> T:
    """``compute()``, or its result kept from an earlier call with the same ``kind``,
    ``data_key`` and package (see the module docstring); ``folder``: another cache folder
    than :func:`cache_folder`'s; ``keep``: at most this many entries of ``kind`` are kept
    (the most recently written)."""
    folder = folder or cache_folder()
    if folder is None:
        return compute()
    key = hashlib.sha256(f"{kind}\0{data_key}\0{code_digest()}".encode()).hexdigest()[:32]
    path = folder / f"{kind}-{key}.pickle"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        lock = contextlib.ExitStack()
        lock.enter_context(_locked(folder / f".{kind}-{key}.lock"))
    except OSError:
        return compute()
    with lock:
        found, value = _read(path)
        if found:
            return value  # type: ignore[return-value]
        value = compute()
        with contextlib.suppress(OSError, PaxsilicaError, pickle.PicklingError, TypeError, AttributeError):
            write_atomic(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), mode=0o600,
                         name="cache entry")
            if keep is not None:
                _prune(folder, kind, keep)
    return value
