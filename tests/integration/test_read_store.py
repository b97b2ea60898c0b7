"""Read-side transactions: several reads in one `reading()` see one committed state."""

from __future__ import annotations

import psycopg
from psycopg import sql

from adapters.read_store import ReadStore
from adapters.services.stack import Endpoints


def test_reads_in_one_transaction_see_one_snapshot(services: Endpoints, pg_schema: str) -> None:
    with psycopg.connect(services.database_url, autocommit=True) as writer:
        table = sql.Identifier(pg_schema, "numbers")
        writer.execute(sql.SQL("CREATE TABLE {} (n int)").format(table))
        writer.execute(sql.SQL("INSERT INTO {} VALUES (1)").format(table))
        store = ReadStore(services.database_url, pg_schema)
        try:
            with store.reading() as tx:
                before = tx.fetchall("SELECT count(*) FROM numbers")
                writer.execute(sql.SQL("INSERT INTO {} VALUES (2)").format(table))  # commits now
                after = tx.fetchall("SELECT count(*) FROM numbers")
            assert before == after == [(1,)]
            with store.glancing() as tx:  # a lone statement sees the latest commit
                assert tx.fetchall("SELECT count(*) FROM numbers") == [(2,)]
        finally:
            store.close()
