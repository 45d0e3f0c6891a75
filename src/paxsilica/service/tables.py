"""The store tables the service keeps, declared as data: access tokens, the audit trail, jobs.

Each table is a :class:`ServiceTable` (name, columns with DuckDB types, key);
:func:`ensure_service_tables` creates any that are missing. Declared here in one place so
they can join the store's schema registry as they are.

Example:
    >>> from paxsilica.store import Store
    >>> store = Store(":memory:")
    >>> ensure_service_tables(store)
    >>> sorted(store.connection.execute(
    ...     "SELECT column_name FROM duckdb_columns() WHERE table_name = 'tokens'").df()["column_name"])
    ['created', 'name', 'revoked', 'role', 'sha256']
"""

from __future__ import annotations

from dataclasses import dataclass

from paxsilica.store import Store

__all__ = ["AUDIT", "JOBS", "SERVICE_TABLES", "TOKENS", "ServiceTable", "ensure_service_tables"]


@dataclass(frozen=True)
class ServiceTable:
    """One table: ``columns`` maps column name to DuckDB type; ``key`` may be empty."""

    name: str
    columns: dict[str, str]
    key: tuple[str, ...] = ()
    description: str = ""

    def ddl(self) -> str:
        """``CREATE TABLE IF NOT EXISTS`` statement of the table.

        >>> TOKENS.ddl()[:45]
        'CREATE TABLE IF NOT EXISTS "tokens" ("name" V'
        """
        columns = [f'"{name}" {sql_type}' for name, sql_type in self.columns.items()]
        if self.key:
            columns.append(f"PRIMARY KEY ({', '.join(self.key)})")
        return f'CREATE TABLE IF NOT EXISTS "{self.name}" ({", ".join(columns)})'


TOKENS = ServiceTable(
    "tokens",
    {"name": "VARCHAR", "role": "VARCHAR", "sha256": "VARCHAR", "created": "TIMESTAMP",
     "revoked": "TIMESTAMP"},
    key=("name",),
    description="API access tokens: only the SHA-256 of each token is kept; revoked is set "
                "when the token stops working (NULL while it works).")

AUDIT = ServiceTable(
    "audit",
    {"occurred": "TIMESTAMP", "who": "VARCHAR", "action": "VARCHAR", "digest": "VARCHAR",
     "detail": "VARCHAR"},
    description="Who imported, certified or changed tokens, when, and the SHA-256 of what "
                "(the imported file, the certificate, the token record).")

JOBS = ServiceTable(
    "jobs",
    {"job_id": "VARCHAR", "kind": "VARCHAR", "params": "VARCHAR", "status": "VARCHAR",
     "progress": "DOUBLE", "submitted_by": "VARCHAR", "created": "TIMESTAMP",
     "finished": "TIMESTAMP", "result": "VARCHAR", "error": "VARCHAR"},
    key=("job_id",),
    description="Background jobs (simulate, plan, ...): parameters and result as JSON text; "
                "status queued, running, done or failed; progress 0-1.")

SERVICE_TABLES = (TOKENS, AUDIT, JOBS)


def ensure_service_tables(store: Store) -> None:
    """Create the service tables that ``store`` lacks (one transaction)."""
    with store.transaction() as connection:
        for table in SERVICE_TABLES:
            connection.execute(table.ddl())
