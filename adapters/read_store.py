"""Read-side queries: a pooled connection in the projections' schema, as a Tx."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from psycopg import sql
from psycopg_pool import ConnectionPool

from adapters.projection_store import PgTx
from projections.base import Tx


class ReadStore:
    def __init__(self, database_url: str, schema: str, max_size: int = 8) -> None:
        statement = sql.SQL("SET search_path TO {}").format(sql.Identifier(schema))

        def configure(conn: object) -> None:
            conn.execute(statement)  # type: ignore[attr-defined]
            conn.commit()  # type: ignore[attr-defined]

        self.pool: ConnectionPool = ConnectionPool(database_url, min_size=1, max_size=max_size,
                                                   configure=configure, open=True)

    @contextmanager
    def reading(self) -> Iterator[Tx]:
        with self.pool.connection() as conn, conn.transaction():
            yield PgTx(conn)

    def close(self) -> None:
        self.pool.close()
