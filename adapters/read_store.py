"""Read-side queries: a pooled connection in the projections' schema, as a Tx."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from adapters.projection_store import PgTx
from adapters.schema_pool import schema_pool
from projections.base import ReadModelMissing, Tx


class ReadStore:
    def __init__(self, database_url: str, schema: str, max_size: int = 8) -> None:
        # Reads leave no WAL to flush; the one write that travels with reads (a ring's claim
        # on its call, CTI bookkeeping written without waiting for the flush wherever it is
        # written, see adapters/cti_store.py) need not wait for it either.
        self.pool = schema_pool(database_url, schema, max_size, autocommit=True, synchronous_commit=False,
                                isolation=psycopg.IsolationLevel.REPEATABLE_READ)

    @contextmanager
    def reading(self) -> Iterator[Tx]:
        """Reads in one REPEATABLE READ transaction: they all see the same committed state
        (a projection batch committing between two of them shows in neither or in both)."""
        with _tables_present(), self.pool.connection() as conn, conn.transaction():
            yield PgTx(conn)

    @contextmanager
    def glancing(self) -> Iterator[Tx]:
        """Reads each on its own (no BEGIN/COMMIT round trips): for a single statement, or
        statements that need not agree with each other."""
        with _tables_present(), self.pool.connection() as conn:
            yield PgTx(conn)

    def close(self) -> None:
        self.pool.close()


@contextmanager
def _tables_present() -> Iterator[None]:
    """A read of a table no worker has created yet raises :class:`ReadModelMissing`."""
    try:
        yield
    except psycopg.errors.UndefinedTable as exc:
        table = exc.diag.message_primary or "?"
        raise ReadModelMissing(table.removeprefix("relation ").removesuffix(" does not exist")) from exc
