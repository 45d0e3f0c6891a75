"""The audit's case catalogue (scripts/audit_hostile.py), a database for the CLI, and a guard
that turns a regression into a failed test instead of a hang or an exhausted machine."""

from __future__ import annotations

import importlib.util
import resource
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[2] / "scripts" / "audit_hostile.py"


def _load_audit():
    spec = importlib.util.spec_from_file_location("audit_hostile", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["audit_hostile"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


audit = _load_audit()


class BoundExceededError(Exception):
    """A case ran past its time bound (the guard stopped it)."""


@contextmanager
def bounded(seconds: int = 120, extra_bytes: int = 3 << 30) -> Iterator[None]:
    """Run the block with at most ``extra_bytes`` more address space than the process has
    now (a hard cap: an allocation past it fails with MemoryError) and at most ``seconds``
    (SIGALRM raises :class:`BoundExceededError`)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/statm") as statm:  # first field: virtual size in pages
        size = int(statm.read().split()[0]) * resource.getpagesize()
    cap = size + extra_bytes if hard == resource.RLIM_INFINITY else min(hard, size + extra_bytes)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))

    def stop(signum, frame):
        raise BoundExceededError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@pytest.fixture(scope="session")
def cli_db(tmp_path_factory) -> Path:
    """One database with the bundled data for every CLI case (built by the first command)."""
    return tmp_path_factory.mktemp("hostile-db") / "hostile.duckdb"
