"""Every table of the store, declared once as data; the store creates them in one place.

A :class:`TableSpec` names a table, its columns (DuckDB types) and its key. The record
kinds of :mod:`paxsilica.model.kinds` become specs automatically (columns from the
pydantic fields, plus ``import_id``); the other tables are declared in
:data:`OTHER_TABLES`. :class:`~paxsilica.store.database.Store` creates and upgrades
exactly these tables, ``data export`` writes them all and ``data import DIR`` restores
them all. **To add a table** (a new package's run log, tokens, results): append one
``TableSpec`` to :data:`OTHER_TABLES`; a column added to a spec later is added to older
databases when they are next written.

Example:
    >>> TABLES["trade_flows"].key
    ('dataset', 'year', 'exporter', 'importer', 'hs6', 'item_id')
    >>> TABLES["supplies"].columns[-1]
    ('import_id', 'BIGINT')
    >>> TABLES["meta"].ddl()
    'CREATE TABLE IF NOT EXISTS "meta" ("key" VARCHAR, "value" VARCHAR, PRIMARY KEY ("key"))'
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from datetime import date
from typing import Any, Union, get_args, get_origin

from paxsilica.errors import NotFoundError
from paxsilica.model.kinds import KINDS, Kind

__all__ = ["OTHER_TABLES", "TABLES", "TableSpec", "kind_spec", "sql_type", "table_spec"]


@dataclass(frozen=True)
class TableSpec:
    """One table: ``columns`` are ``(name, DuckDB type)`` pairs in order.

    ``key`` identifies a row (rows with the same key replace each other on import);
    ``primary_key`` makes DuckDB enforce it (only for tables whose key columns are
    never empty, such as ``meta``). ``kind`` is the record kind the table holds, if any.
    """

    name: str
    columns: tuple[tuple[str, str], ...]
    key: tuple[str, ...] = ()
    description: str = ""
    primary_key: bool = False
    kind: str | None = None

    @property
    def column_names(self) -> list[str]:
        return [name for name, _ in self.columns]

    @property
    def types(self) -> dict[str, str]:
        return dict(self.columns)

    def ddl(self) -> str:
        """The ``CREATE TABLE IF NOT EXISTS`` statement (the only DDL of the package)."""
        parts = [f'"{name}" {sql}' for name, sql in self.columns]
        if self.primary_key and self.key:
            parts.append("PRIMARY KEY (" + ", ".join(f'"{k}"' for k in self.key) + ")")
        return f'CREATE TABLE IF NOT EXISTS "{self.name}" ({", ".join(parts)})'


def sql_type(annotation: Any) -> str:
    """The DuckDB type of a pydantic field annotation (list fields are ``;``-joined text).

    >>> sql_type(int | None), sql_type(list[str]), sql_type(date)
    ('BIGINT', 'VARCHAR', 'DATE')
    """
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        inner = [arg for arg in get_args(annotation) if arg is not type(None)]
        return sql_type(inner[0])
    if origin is not None and hasattr(annotation, "__metadata__"):
        return sql_type(get_args(annotation)[0])
    if origin is list:
        return "VARCHAR"  # ';'-joined, as in CSV files
    return {bool: "BOOLEAN", int: "BIGINT", float: "DOUBLE", date: "DATE"}.get(annotation, "VARCHAR")


def kind_spec(kind: Kind) -> TableSpec:
    """The table of one record kind: its model's fields plus ``import_id``."""
    columns = tuple((name, sql_type(info.annotation)) for name, info in kind.model.model_fields.items())
    return TableSpec(kind.table, (*columns, ("import_id", "BIGINT")), kind.key,
                     f"{kind.singular} records", kind=kind.name)


OTHER_TABLES: list[TableSpec] = [
    TableSpec("trade_flows", (
        ("year", "INTEGER"), ("exporter", "VARCHAR"), ("importer", "VARCHAR"), ("hs6", "VARCHAR"),
        ("item_id", "VARCHAR"), ("value_kusd", "DOUBLE"), ("quantity_t", "DOUBLE"),
        ("dataset", "VARCHAR"), ("source", "VARCHAR"), ("import_id", "BIGINT"),
        ("reporter", "VARCHAR")),
        ("dataset", "year", "exporter", "importer", "hs6", "item_id"),
        "bilateral trade flows (BACI, UN Comtrade) mapped to catalogue items"),
    TableSpec("restricted_lists", (
        ("list_name", "VARCHAR"), ("version", "VARCHAR"), ("format", "VARCHAR"),
        ("sha256", "VARCHAR"), ("rows", "BIGINT"), ("file", "VARCHAR"),
        ("imported_at", "TIMESTAMP")),
        ("list_name", "version"), "restricted-party list versions"),
    TableSpec("restricted_entities", (
        ("list_name", "VARCHAR"), ("version", "VARCHAR"), ("entity_id", "VARCHAR"),
        ("schema", "VARCHAR"), ("name", "VARCHAR"), ("aliases", "VARCHAR"),
        ("countries", "VARCHAR"), ("identifiers", "VARCHAR"), ("programs", "VARCHAR"),
        ("dataset", "VARCHAR"), ("listed_on", "VARCHAR"), ("target", "BOOLEAN")),
        ("list_name", "version", "entity_id"),
        "entities of each list version (aliases, countries, identifiers as JSON arrays)"),
    TableSpec("restricted_ownership", (
        ("list_name", "VARCHAR"), ("version", "VARCHAR"), ("owner", "VARCHAR"),
        ("owned", "VARCHAR"), ("percentage", "DOUBLE"), ("source", "VARCHAR")),
        ("list_name", "version", "owner", "owned"), "ownership links shipped with a list"),
    TableSpec("imports", (
        ("import_id", "BIGINT"), ("kind", "VARCHAR"), ("file", "VARCHAR"), ("sha256", "VARCHAR"),
        ("rows", "BIGINT"), ("imported_at", "TIMESTAMP")),
        ("import_id",), "one row per import: file, SHA-256, row count"),
    TableSpec("meta", (("key", "VARCHAR"), ("value", "VARCHAR")), ("key",),
              "settings of the database (bundled_version)", primary_key=True),
    # the service's tables (paxsilica.service reads and writes them)
    TableSpec("tokens", (
        ("name", "VARCHAR"), ("role", "VARCHAR"), ("sha256", "VARCHAR"), ("created", "TIMESTAMP"),
        ("revoked", "TIMESTAMP")), ("name",),
        "API access tokens: only the SHA-256 of each token; revoked set when it stops working",
        primary_key=True),
    TableSpec("audit", (
        ("occurred", "TIMESTAMP"), ("who", "VARCHAR"), ("action", "VARCHAR"),
        ("digest", "VARCHAR"), ("detail", "VARCHAR")), (),
        "who imported, certified or changed tokens, when, and the SHA-256 of what"),
    TableSpec("jobs", (
        ("job_id", "VARCHAR"), ("kind", "VARCHAR"), ("params", "VARCHAR"), ("status", "VARCHAR"),
        ("progress", "DOUBLE"), ("submitted_by", "VARCHAR"), ("created", "TIMESTAMP"),
        ("finished", "TIMESTAMP"), ("result", "VARCHAR"), ("error", "VARCHAR")), ("job_id",),
        "background jobs (simulate, plan): parameters and result as JSON text", primary_key=True),
]
"""Tables that hold no record kind. Add a new package's tables here."""

TABLES: dict[str, TableSpec] = {
    spec.name: spec for spec in [*(kind_spec(kind) for kind in KINDS.values()), *OTHER_TABLES]}
"""Every table of the store, by name: record kinds first (in dependency order)."""


def table_spec(name: str) -> TableSpec:
    """The spec of a table by name.

    Raises:
        NotFoundError: no such table; the message lists them.
    """
    if name not in TABLES:
        raise NotFoundError(f"unknown table {name!r} (tables: {', '.join(TABLES)})")
    return TABLES[name]
