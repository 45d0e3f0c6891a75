"""Shared fixtures: a store with the bundled data, and the network built from it."""

from __future__ import annotations

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
