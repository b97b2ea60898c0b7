"""A psycopg connection pool whose connections resolve unqualified names in one schema,
and first-time table creation that processes starting together cannot race on."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool


def schema_pool(database_url: str, schema: str, max_size: int, *, autocommit: bool = False,
                synchronous_commit: bool = True,
                isolation: psycopg.IsolationLevel | None = None) -> ConnectionPool:
    """``autocommit`` connections run a lone statement in one round trip (no BEGIN/COMMIT of
    their own; ``conn.transaction()`` still groups several). ``synchronous_commit=False`` for
    transient data only: a commit then does not wait for the WAL flush. ``isolation`` for the
    transactions the connections begin (PostgreSQL's default, READ COMMITTED, gives each
    statement a snapshot of its own)."""
    statement = sql.SQL("SET search_path TO {}").format(sql.Identifier(schema))

    def configure(conn: psycopg.Connection[Any]) -> None:
        conn.execute(statement)
        if not synchronous_commit:
            conn.execute("SET synchronous_commit TO off")
        conn.commit()
        conn.autocommit = autocommit
        conn.isolation_level = isolation

    pool: ConnectionPool = ConnectionPool(database_url, min_size=1, max_size=max_size,
                                          configure=configure, open=True)
    return pool


def create_tables(pool: ConnectionPool, lock_name: str, statements: Iterable[str]) -> None:
    """Run ``statements`` (CREATE … IF NOT EXISTS) in one transaction under an advisory lock:
    concurrent CREATE IF NOT EXISTS races on the catalog when an API, a relay and a worker start
    together."""
    with pool.connection() as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (lock_name,))
        for statement in statements:
            if statement.strip():
                conn.execute(statement.encode())
