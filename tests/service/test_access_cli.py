"""Tokens and audit in the store, and the tokens / serve commands."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from paxsilica.cli.app import app
from paxsilica.errors import NotFoundError, PaxsilicaError
from paxsilica.service.access import (
    add_token,
    audit_log,
    list_tokens,
    principal_for,
    revoke_token,
    role_allows,
    token_hash,
)
from paxsilica.store import TABLES, Store, open_store

runner = CliRunner()


def test_service_tables_come_from_the_registry():
    store = Store(":memory:")
    for name in ("tokens", "audit", "jobs"):
        found = store.connection.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ?", [name]).fetchall()
        assert dict(found) == TABLES[name].types


def test_tokens_are_stored_hashed_and_revocable():
    store = Store(":memory:")
    token = add_token(store, "alice", "certifier", who="cli:test")
    stored = store.connection.execute("SELECT * FROM tokens").df()
    assert token not in stored.to_string() and stored["sha256"].iloc[0] == token_hash(token)
    assert principal_for(store, token).role == "certifier"
    with pytest.raises(PaxsilicaError, match="exists"):
        add_token(store, "alice", "reader", who="cli:test")
    revoke_token(store, "alice", who="cli:test")
    assert principal_for(store, token) is None
    with pytest.raises(NotFoundError):
        revoke_token(store, "alice", who="cli:test")
    again = add_token(store, "alice", "reader", who="cli:test")  # a revoked name may be reused
    assert principal_for(store, again).role == "reader" and principal_for(store, token) is None
    assert list(audit_log(store)["action"]) == ["token.add", "token.revoke", "token.add"]
    assert list(list_tokens(store).columns) == ["name", "role", "created", "revoked"]


@pytest.mark.parametrize(("name", "role"), [("bad name", "reader"), ("", "reader"), ("x" * 65, "reader"),
                                            ("ok", "root")])
def test_bad_token_requests(name, role):
    with pytest.raises(PaxsilicaError):
        add_token(Store(":memory:"), name, role, who="t")


def test_role_order():
    assert role_allows("admin", "certifier") and role_allows("certifier", "analyst")
    assert not role_allows("reader", "analyst") and not role_allows("certifier", "admin")


def test_tokens_commands(tmp_path):
    db = str(tmp_path / "t.duckdb")
    added = runner.invoke(app, ["--db", db, "tokens", "add", "ops", "--role", "admin"])
    assert added.exit_code == 0, added.output
    token = added.stdout.strip().splitlines()[-1]
    assert token.startswith("pxs_") and len(token) > 40
    listed = runner.invoke(app, ["--db", db, "tokens", "list", "--format", "json"])
    assert '"ops"' in listed.stdout and token not in listed.stdout and '"revoked": null' in listed.stdout
    assert runner.invoke(app, ["--db", db, "tokens", "revoke", "ops"]).exit_code == 0
    bad = runner.invoke(app, ["--db", db, "tokens", "add", "x", "--role", "boss"])
    assert bad.exit_code == 2 and "unknown role" in bad.output and "Traceback" not in bad.output
    missing = runner.invoke(app, ["--db", db, "tokens", "revoke", "ghost"])
    assert missing.exit_code == 2 and "ghost" in missing.output
    store = open_store(db)
    assert principal_for(store, token) is None
    assert {"token.add", "token.revoke"} <= set(audit_log(store)["action"])
    assert set(audit_log(store)["who"]) != {""}


@pytest.mark.parametrize("args", [["--port", "0"], ["--max-upload-mb", "0"], ["--sign", "/nonexistent.key"]])
def test_serve_refuses_bad_options_before_starting(args, tmp_path):
    result = runner.invoke(app, ["--db", str(tmp_path / "s.duckdb"), "serve", *args])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_serve_refuses_a_file_that_is_not_a_database(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("a,b\n1,2\n" * 100, encoding="utf-8")
    result = runner.invoke(app, ["--db", str(data), "serve"])
    assert result.exit_code == 2 and "not a DuckDB database" in result.output
