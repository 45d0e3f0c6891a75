"""What the service keeps between requests: the network and answers per data version,
tokens per store version (a revocation takes effect at the next request)."""

from __future__ import annotations

import pytest
from tests.service.conftest import auth, make_client
from typer.testing import CliRunner

from paxsilica.cli.app import app as cli_app
from paxsilica.service import RateLimit
from paxsilica.service.access import add_token
from paxsilica.service.cache import TokenCache, VersionedCache

SUPPLIES = ("source,confidence,basis,item_id,stage,country,year,share\n"
            "Cache test,low,estimate,gallium,refining,JPN,2031,0.5\n")


@pytest.fixture()
def fresh(tmp_path):
    db = tmp_path / "cache.duckdb"
    with make_client(db, None, rate_limit=RateLimit(rate=1000, burst=1000)) as client:
        state = client.app.state.service
        tokens = {role: add_token(state.store, role, role, who="test")
                  for role in ("reader", "admin")}
        yield client, tokens, db


def test_network_kept_across_token_writes_rebuilt_after_an_import(fresh):
    client, tokens, _ = fresh
    state = client.app.state.service
    first = client.get("/api/v1/exposure", params={"item": "gallium"}, headers=auth(tokens["reader"]))
    assert first.status_code == 200
    network = state.network()
    add_token(state.store, "carol", "reader", who="test")  # a write, but not of the data
    assert state.network() is network
    hits = state.answers.hits
    again = client.get("/api/v1/exposure", params={"item": "gallium"}, headers=auth(tokens["reader"]))
    assert again.json() == first.json() and state.answers.hits == hits + 1
    imported = client.post("/api/v1/imports/supplies", files={"file": ("s.csv", SUPPLIES.encode())},
                           headers=auth(tokens["admin"]))
    assert imported.status_code == 201, imported.text
    assert state.network() is not network
    after = client.get("/api/v1/exposure", params={"item": "gallium", "year": 2031},
                       headers=auth(tokens["reader"])).json()
    assert any(row["country"] == "JPN" and row["year"] == 2031 for row in after["results"])


def test_revocation_takes_effect_at_the_next_request(fresh):
    client, tokens, _ = fresh
    assert client.get("/api/v1/groups", headers=auth(tokens["reader"])).status_code == 200
    assert client.get("/api/v1/groups", headers=auth(tokens["reader"])).status_code == 200  # cached
    revoked = client.delete("/api/v1/tokens/reader", headers=auth(tokens["admin"]))
    assert revoked.status_code == 200
    assert client.get("/api/v1/groups", headers=auth(tokens["reader"])).status_code == 401


def test_revocation_by_another_process_takes_effect(fresh):
    client, tokens, db = fresh
    assert client.get("/api/v1/groups", headers=auth(tokens["reader"])).status_code == 200
    result = CliRunner().invoke(cli_app, ["--db", str(db), "tokens", "revoke", "reader"])
    assert result.exit_code == 0, result.output
    assert client.get("/api/v1/groups", headers=auth(tokens["reader"])).status_code == 401
    assert client.get("/api/v1/groups", headers=auth(tokens["admin"])).status_code == 200


def test_versioned_cache_bounds_and_versions():
    cache = VersionedCache(entries=2, rows=100)
    calls = []

    def rows(n: int):
        return lambda: calls.append(n) or list(range(n))

    cache.get("v1", "a", rows(3))
    cache.get("v1", "b", rows(3))
    cache.get("v1", "a", rows(3))  # kept
    cache.get("v1", "c", rows(3))  # b (least recently used) goes
    cache.get("v1", "b", rows(3))
    assert calls == [3, 3, 3, 3]
    cache.get("v1", "big", rows(50))  # over a tenth of the row budget: never kept
    cache.get("v1", "big", rows(50))
    assert calls[-2:] == [50, 50]
    cache.get("v2", "a", rows(3))  # a new version: nothing of v1 is served
    assert calls[-1] == 3


def test_token_cache_forgets_on_a_new_version():
    cache, looked = TokenCache(), []
    assert cache.get("v1", "h", lambda: looked.append(1) or "alice") == "alice"
    assert cache.get("v1", "h", lambda: looked.append(2) or "bob") == "alice"
    assert cache.get("v2", "h", lambda: looked.append(3) or None) is None
    assert looked == [1, 3]
