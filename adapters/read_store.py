"""Read-side queries: a pooled connection in the projections' schema, as a Tx."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from adapters.projection_store import PgTx
from adapters.schema_pool import schema_pool
from projections.base import Tx


class ReadStore:
    def __init__(self, database_url: str, schema: str, max_size: int = 8) -> None:
        self.pool = schema_pool(database_url, schema, max_size)

    @contextmanager
    def reading(self) -> Iterator[Tx]:
        with self.pool.connection() as conn, conn.transaction():
            yield PgTx(conn)

    def close(self) -> None:
        self.pool.close()
