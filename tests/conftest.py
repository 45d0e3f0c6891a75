"""Shared fixtures: a store with the bundled data, and the network built from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from paxsilica.model.network import StackNetwork
from paxsilica.store import Store, open_store


@pytest.fixture(scope="session")
def bundled_store() -> Store:
    """Read-only use: the bundled data in an in-memory database (shared by tests)."""
    return open_store(":memory:")


@pytest.fixture(scope="session")
def net(bundled_store: Store) -> StackNetwork:
    return StackNetwork.from_store(bundled_store)


@pytest.fixture()
def store() -> Store:
    """A fresh in-memory store with the bundled data, for tests that write."""
    return open_store(":memory:")


_exit_status: list[int] = []
_CACHE: list[str] = []


def pytest_configure(config):
    """One result cache (:mod:`paxsilica.io.result_cache`) for this run, fresh: pytest-xdist's
    workers and the CLI subprocesses inherit it, so the planner's example is solved once per
    run (not per process), and never read from or written to the user's own cache."""
    if not hasattr(config, "workerinput"):
        import os
        import tempfile

        _CACHE.append(tempfile.mkdtemp(prefix="paxsilica-test-cache-"))
        os.environ["PAXSILICA_CACHE_DIR"] = _CACHE[0]


def pytest_sessionfinish(session, exitstatus):
    _exit_status.append(int(exitstatus))


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    """End the process once pytest has reported, keeping its exit status.

    DuckDB's Python bindings print a "nanobind: leaked …" report at interpreter teardown
    when pytest still holds DuckDB-backed objects (kept by exception tracebacks); it is noise
    after the summary line, so skip the teardown.
    """
    if _CACHE:
        import shutil

        shutil.rmtree(_CACHE.pop(), ignore_errors=True)
    if _exit_status and not hasattr(config, "workerinput"):
        import os
        import sys

        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter._tw.flush()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_exit_status[-1])


AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"


@pytest.fixture(scope="session")
def axe_violations():
    """``check(page) -> list[str]``: the accessibility violations axe-core (vendored for
    the tests, tests/vendor/README.md) rates serious or critical on ``page``, one line each
    (rule, impact, first offending elements)."""
    source = AXE.read_text(encoding="utf-8")

    def check(page: object, exclude: tuple[str, ...] = ()) -> list[str]:
        page.add_script_tag(content=source)  # type: ignore[attr-defined]
        found = page.evaluate(  # type: ignore[attr-defined]
            """async (exclude) => {
              const result = await axe.run({exclude: exclude.map(s => [s])}, {resultTypes: ['violations']});
              return result.violations.filter(v => ['serious', 'critical'].includes(v.impact))
                .map(v => v.id + ' (' + v.impact + '): ' +
                          v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' [' +
                            (n.any[0] || n.all[0] || n.none[0] || {message: ''}).message + ']').join(' | '));
            }""", list(exclude))
        return found

    return check
