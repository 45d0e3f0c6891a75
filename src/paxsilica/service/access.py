"""Access tokens with roles, and the audit trail of what changed who and when.

A token is shown once when created; the store keeps only its SHA-256. Roles are
ordered: ``reader`` (read and verify) < ``analyst`` (+ screen, simulate, plan) <
``certifier`` (+ certify) < ``admin`` (+ imports and tokens).

Example:
    >>> from paxsilica.store import Store
    >>> store = Store(":memory:")
    >>> token = add_token(store, "alice", "analyst", who="cli:root")
    >>> principal_for(store, token)
    Principal(name='alice', role='analyst')
    >>> principal_for(store, token + "x") is None
    True
    >>> role_allows("analyst", "reader"), role_allows("analyst", "certifier")
    (True, False)
    >>> audit_log(store)["action"].tolist()
    ['token.add']
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from paxsilica.errors import NotFoundError, PaxsilicaError
from paxsilica.service.roles import ROLES, role_allows
from paxsilica.store import Store

__all__ = ["ROLES", "Principal", "add_token", "audit_log", "digest", "list_tokens", "principal_for",
           "record_audit", "revoke_token", "role_allows", "token_hash"]

TOKEN_PREFIX = "pxs_"
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}")


@dataclass(frozen=True)
class Principal:
    """Who a request acts as: the token's name and role."""

    name: str
    role: str


def digest(data: bytes | str | dict | list) -> str:
    """SHA-256 (hex) of bytes, text, or canonical JSON (sorted keys) of a dict or list.

    >>> digest({"b": 1, "a": 2}) == digest({"a": 2, "b": 1})
    True
    """
    if isinstance(data, dict | list):
        data = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def token_hash(token: str) -> str:
    """SHA-256 (hex) of a token: what the store keeps."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def record_audit(store: Store, who: str, action: str, what: str, detail: str = "") -> None:
    """Append one audit row: ``who`` did ``action`` on the thing whose SHA-256 is ``what``."""
    with store.transaction() as connection:
        connection.execute('INSERT INTO "audit" VALUES (?, ?, ?, ?, ?)',
                           [_now(), who, action, what, detail])


def audit_log(store: Store) -> pd.DataFrame:
    """The audit trail, oldest first: ``occurred, who, action, digest, detail``."""
    return store.read("audit").sort_values("occurred", kind="stable").reset_index(drop=True)


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise PaxsilicaError(f"unknown role {role!r} (use {', '.join(ROLES)})")


def add_token(store: Store, name: str, role: str, who: str) -> str:
    """Create a token called ``name`` with ``role``; return it (the only time it is shown).

    A revoked name may be reused; a live one may not.
    """
    _check_role(role)
    if not NAME_PATTERN.fullmatch(name):
        raise PaxsilicaError(f"bad token name {name!r}: 1-64 letters, digits or _.@- "
                             "starting with a letter or digit")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    hashed = token_hash(token)
    with store.transaction() as connection:
        live = connection.execute('SELECT 1 FROM "tokens" WHERE name = ? AND revoked IS NULL',
                                  [name]).fetchall()
        if live:
            raise PaxsilicaError(f"token {name!r} exists; revoke it first "
                                 f"('paxsilica tokens revoke {name}')")
        connection.execute('DELETE FROM "tokens" WHERE name = ?', [name])
        connection.execute('INSERT INTO "tokens" VALUES (?, ?, ?, ?, NULL)',
                           [name, role, hashed, _now()])
        record_audit(store, who, "token.add", digest({"name": name, "role": role, "sha256": hashed}),
                     f"{name} ({role})")
    return token


def list_tokens(store: Store) -> pd.DataFrame:
    """Tokens by name: ``name, role, created, revoked`` (never the hashes)."""
    frame = store.read("tokens")[["name", "role", "created", "revoked"]]
    frame = frame.sort_values("name").reset_index(drop=True)
    frame["revoked"] = frame["revoked"].astype(object).where(frame["revoked"].notna(), None)
    return frame


def revoke_token(store: Store, name: str, who: str) -> None:
    """Stop token ``name`` from working (its row stays, with the time it was revoked)."""
    with store.transaction() as connection:
        rows = connection.execute('SELECT role, sha256 FROM "tokens" '
                                  "WHERE name = ? AND revoked IS NULL", [name]).fetchall()
        if not rows:
            raise NotFoundError(f"no live token named {name!r} ('paxsilica tokens list' shows them)")
        connection.execute('UPDATE "tokens" SET revoked = ? WHERE name = ?', [_now(), name])
        record_audit(store, who, "token.revoke",
                     digest({"name": name, "role": rows[0][0], "sha256": rows[0][1]}), name)


def principal_for(store: Store, token: str) -> Principal | None:
    """The live token's name and role, or None for an unknown or revoked token."""
    rows = store.read("tokens", "sha256 = ? AND revoked IS NULL", [token_hash(token)])
    return Principal(rows["name"].iloc[0], rows["role"].iloc[0]) if len(rows) else None
