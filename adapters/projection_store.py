"""PostgreSQL side of projections: their tables, stored offsets and applied event ids."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql

from projections.base import Params, Projection

BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS projection_offsets (
    projection text NOT NULL, topic text NOT NULL, partition int NOT NULL,
    next_offset bigint NOT NULL, PRIMARY KEY (projection, topic, partition));
CREATE TABLE IF NOT EXISTS projection_generations (
    projection text PRIMARY KEY, generation int NOT NULL);
"""


APPLIED = "CREATE TABLE IF NOT EXISTS {} (event_id text PRIMARY KEY, sequence bigint NOT NULL)"
LEGACY_APPLIED = "projection_applied"  # one table for every projection, before 2026-11


def channel(schema: str) -> str:
    return f"{schema}_projections"


def applied_table(projection: str) -> str:
    """The table of the event ids a projection (by full name) has applied. One table per
    projection, so a rebuild's switch moves it with the projection's own tables."""
    return f"{projection}_applied"


class PgTx:
    """The :class:`projections.base.Tx` of one psycopg connection inside a transaction.

    Inside :meth:`pipelined`, :meth:`write` only queues its statement: a batch of handlers
    then costs a round trip per read instead of one per statement (a rebuild's main cost).
    Statements go through two cursors kept for the life of this object (one for writes, one
    for reads): a cursor made per statement would look up its parameters' dumpers again
    every time, which costs about three times the rest of sending a pipelined statement."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn
        self._pipeline: psycopg.Pipeline | None = None
        self._cursors: dict[str, psycopg.Cursor[Any]] = {}

    @contextmanager
    def pipelined(self) -> Iterator[None]:
        with self.conn.pipeline() as pipeline:
            self._pipeline = pipeline
            try:
                yield
            finally:
                self._pipeline = None

    def _kept(self, use: str) -> psycopg.Cursor[Any]:
        """The cursor kept for ``use`` ("writes" or "reads"), made again if it was closed."""
        cursor = self._cursors.get(use)
        if cursor is None or cursor.closed:
            cursor = self._cursors[use] = self.conn.cursor()
        return cursor

    def execute(self, query: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> int:
        cur = self._kept("writes").execute(query.encode(), params)
        if self._pipeline is not None:
            self._pipeline.sync()  # the row count is known once the result has arrived
        return int(cur.rowcount)

    def write(self, query: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> None:
        self._kept("writes").execute(query.encode(), params)

    def fetchone(self, query: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self._kept("reads").execute(query.encode(), params).fetchone()
        return row

    def fetchall(self, query: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = self._kept("reads").execute(query.encode(), params).fetchall()
        return rows

    def fetch_each(self, reads: Sequence[tuple[str, Params]]) -> list[list[tuple[Any, ...]]]:
        with self.conn.pipeline():
            cursors = [self.conn.execute(query.encode(), params) for query, params in reads]
        return [cursor.fetchall() for cursor in cursors]


def connect(database_url: str, schema: str, *, autocommit: bool = False,
            synchronous_commit: bool = True) -> psycopg.Connection[Any]:
    """A connection whose unqualified names resolve in ``schema``. ``synchronous_commit=False``
    for what can be built again from the event log: a commit then returns before its WAL is
    on disk, and a crash loses at most the last fraction of a second of it, whole
    transactions at a time (tables, offsets and applied ids together)."""
    conn = psycopg.connect(database_url, autocommit=autocommit)
    conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
    if not synchronous_commit:
        conn.execute("SET synchronous_commit = off")
    if not autocommit:
        conn.commit()
    return conn


class ProjectionTables:
    def __init__(self, conn: psycopg.Connection[Any], schema: str, projection: Projection) -> None:
        self.conn = conn
        self.schema = schema
        self.projection = projection

    @property
    def applied(self) -> sql.Identifier:
        return sql.Identifier(applied_table(self.projection.full_name))

    @property
    def table_names(self) -> list[str]:
        """Every table of the projection, its applied event ids included."""
        return [*self.projection.table_names, applied_table(self.projection.full_name)]

    def create(self) -> None:
        self._create([*BOOKKEEPING.split(";"), *self.projection.tables], with_applied=True)

    def create_bookkeeping(self) -> None:
        """Only the offsets and generations (a rebuild's switch needs them)."""
        self._create(BOOKKEEPING.split(";"))

    def _create(self, statements: Sequence[str], *, with_applied: bool = False) -> None:
        with self.conn.transaction():
            # Serialise concurrent first-time creation (CREATE IF NOT EXISTS races on the catalog).
            self.conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"{self.schema}.ddl",))
            for statement in statements:
                if statement.strip():
                    self.conn.execute(statement.encode())
            if with_applied:
                self.conn.execute(sql.SQL(APPLIED).format(self.applied))
                self._move_legacy_applied()
            # The row the workers lock (FOR SHARE) around every batch: it must exist, or a
            # rebuild's switch would have nothing to wait for and nothing to hold them off with.
            self.conn.execute("INSERT INTO projection_generations (projection, generation) "
                              "VALUES (%s, 0) ON CONFLICT DO NOTHING", (self.projection.full_name,))

    def _move_legacy_applied(self) -> None:
        """Schemas from before per-projection applied tables kept every projection's ids in
        one table: move this projection's over (once; the table goes when it is empty)."""
        row = self.conn.execute("SELECT to_regclass(%s)", (LEGACY_APPLIED,)).fetchone()
        if row is None or row[0] is None:
            return
        self.conn.execute(sql.SQL(
            "WITH moved AS (DELETE FROM {} WHERE projection = %s RETURNING event_id, sequence) "
            "INSERT INTO {} SELECT event_id, sequence FROM moved ON CONFLICT DO NOTHING").format(
            sql.Identifier(LEGACY_APPLIED), self.applied), (self.projection.full_name,))
        empty = self.conn.execute(sql.SQL("SELECT NOT EXISTS (SELECT 1 FROM {})").format(
            sql.Identifier(LEGACY_APPLIED))).fetchone()
        if empty and empty[0]:
            self.conn.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(LEGACY_APPLIED)))

    def generation(self) -> int:
        """Bumped by every rebuild; a worker that sees it change starts over from offset 0."""
        return self.read_generation()()

    def read_generation(self) -> Callable[[], int]:
        """Send :meth:`generation`'s query (and lock); the answer once asked for (in a
        pipeline, it comes back with the next result read)."""
        cur = self.conn.execute("SELECT generation FROM projection_generations WHERE projection = %s "
                                "FOR SHARE", (self.projection.full_name,))

        def answer() -> int:
            row = cur.fetchone()
            return int(row[0]) if row else 0
        return answer

    def lock_out_workers(self) -> None:
        """Inside a transaction: wait for any batch in flight, hold off new ones until the
        transaction ends, and make every running worker start over from the stored offsets."""
        self.conn.execute(
            "UPDATE projection_generations SET generation = generation + 1 WHERE projection = %s",
            (self.projection.full_name,))

    def drop(self) -> None:
        """Forget everything the projection built, so it replays from the first event."""
        name = self.projection.full_name
        with self.conn.transaction():
            self.lock_out_workers()  # first: nothing is applied to the tables being dropped
            for table in self.table_names:
                self.conn.execute(sql.SQL("DROP TABLE IF EXISTS {} CASCADE").format(sql.Identifier(table)))
            self.conn.execute("DELETE FROM projection_offsets WHERE projection = %s", (name,))

    def offsets(self, topic: str) -> dict[int, int]:
        rows = self.conn.execute(
            "SELECT partition, next_offset FROM projection_offsets WHERE projection = %s AND topic = %s",
            (self.projection.full_name, topic)).fetchall()
        self.conn.commit()
        return {int(p): int(o) for p, o in rows}

    def claim(self, event_id: str, sequence: int) -> bool:
        """Record the event as applied; False when it already was (a re-delivery)."""
        return bool(self.claim_many([(event_id, sequence)]))

    def claim_many(self, events: Sequence[tuple[str, int]]) -> set[str]:
        """Record a batch of (event id, sequence) as applied in one statement; returns the ids
        that were new. A second copy inside the batch is not new either (DO NOTHING skips it)."""
        if not events:
            return set()
        rows = self.conn.execute(sql.SQL(
            "INSERT INTO {} (event_id, sequence) SELECT * FROM unnest(%s::text[], %s::bigint[]) "
            "ON CONFLICT DO NOTHING RETURNING event_id").format(self.applied),
            ([e for e, _ in events], [s for _, s in events])).fetchall()
        return {str(row[0]) for row in rows}

    def store_offset(self, topic: str, partition: int, next_offset: int) -> None:
        self.store_offsets(topic, {partition: next_offset})

    def store_offsets(self, topic: str, next_offsets: Mapping[int, int]) -> None:
        if not next_offsets:
            return
        self.conn.execute(
            "INSERT INTO projection_offsets (projection, topic, partition, next_offset) "
            "SELECT %s, %s, p, o FROM unnest(%s::int[], %s::bigint[]) AS stored (p, o) "
            "ON CONFLICT (projection, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset",
            (self.projection.full_name, topic, list(next_offsets), list(next_offsets.values())))

    def notify(self) -> None:
        self.conn.execute(sql.SQL("NOTIFY {}, {}").format(
            sql.Identifier(channel(self.schema)), sql.Literal(self.projection.full_name)))
