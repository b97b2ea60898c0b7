"""PostgreSQL side of projections: their tables, stored offsets, applied event ids, waiting."""

from __future__ import annotations

import select
import time
from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
from psycopg import sql

from projections.base import Projection

BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS projection_offsets (
    projection text NOT NULL, topic text NOT NULL, partition int NOT NULL,
    next_offset bigint NOT NULL, PRIMARY KEY (projection, topic, partition));
CREATE TABLE IF NOT EXISTS projection_applied (
    projection text NOT NULL, event_id text NOT NULL, sequence bigint NOT NULL,
    PRIMARY KEY (projection, event_id));
CREATE TABLE IF NOT EXISTS projection_generations (
    projection text PRIMARY KEY, generation int NOT NULL);
"""


def channel(schema: str) -> str:
    return f"{schema}_projections"


class PgTx:
    """The :class:`projections.base.Tx` of one psycopg connection inside a transaction."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn

    def execute(self, query: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> int:
        cur = self.conn.execute(query.encode(), params)
        return int(cur.rowcount)

    def fetchone(self, query: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self.conn.execute(query.encode(), params).fetchone()
        return row

    def fetchall(self, query: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = self.conn.execute(query.encode(), params).fetchall()
        return rows


def connect(database_url: str, schema: str, *, autocommit: bool = False) -> psycopg.Connection[Any]:
    conn = psycopg.connect(database_url, autocommit=autocommit)
    conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
    if not autocommit:
        conn.commit()
    return conn


class ProjectionTables:
    def __init__(self, conn: psycopg.Connection[Any], schema: str, projection: Projection) -> None:
        self.conn = conn
        self.schema = schema
        self.projection = projection

    def create(self) -> None:
        with self.conn.transaction():
            # Serialise concurrent first-time creation (CREATE IF NOT EXISTS races on the catalog).
            self.conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"{self.schema}.ddl",))
            for statement in [*BOOKKEEPING.split(";"), *self.projection.tables]:
                if statement.strip():
                    self.conn.execute(statement.encode())

    def generation(self) -> int:
        """Bumped by every rebuild; a worker that sees it change starts over from offset 0."""
        row = self.conn.execute("SELECT generation FROM projection_generations WHERE projection = %s "
                                "FOR SHARE", (self.projection.full_name,)).fetchone()
        return int(row[0]) if row else 0

    def drop(self) -> None:
        """Forget everything the projection built, so it replays from the first event."""
        name = self.projection.full_name
        with self.conn.transaction():
            # Taken first: waits for any batch in flight, then makes running workers start over.
            self.conn.execute(
                "INSERT INTO projection_generations (projection, generation) VALUES (%s, 1) "
                "ON CONFLICT (projection) DO UPDATE SET generation = projection_generations.generation + 1",
                (name,))
            for table in self.projection.table_names:
                self.conn.execute(sql.SQL("DROP TABLE IF EXISTS {} CASCADE").format(sql.Identifier(table)))
            self.conn.execute("DELETE FROM projection_offsets WHERE projection = %s", (name,))
            self.conn.execute("DELETE FROM projection_applied WHERE projection = %s", (name,))

    def offsets(self, topic: str) -> dict[int, int]:
        rows = self.conn.execute(
            "SELECT partition, next_offset FROM projection_offsets WHERE projection = %s AND topic = %s",
            (self.projection.full_name, topic)).fetchall()
        self.conn.commit()
        return {int(p): int(o) for p, o in rows}

    def claim(self, event_id: str, sequence: int) -> bool:
        """Record the event as applied; False when it already was (a re-delivery)."""
        cur = self.conn.execute(
            "INSERT INTO projection_applied (projection, event_id, sequence) VALUES (%s, %s, %s) "
            "ON CONFLICT DO NOTHING", (self.projection.full_name, event_id, sequence))
        return cur.rowcount == 1

    def store_offset(self, topic: str, partition: int, next_offset: int) -> None:
        self.conn.execute(
            "INSERT INTO projection_offsets (projection, topic, partition, next_offset) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT (projection, topic, partition) "
            "DO UPDATE SET next_offset = EXCLUDED.next_offset",
            (self.projection.full_name, topic, partition, next_offset))

    def notify(self) -> None:
        self.conn.execute(sql.SQL("NOTIFY {}, {}").format(
            sql.Identifier(channel(self.schema)), sql.Literal(self.projection.full_name)))


class PositionWaiter:
    """Read-your-writes: wait until a projection has applied the event at a global position."""

    def __init__(self, database_url: str, schema: str) -> None:
        self.database_url = database_url
        self.schema = schema

    def applied(self, conn: psycopg.Connection[Any], projection: str, position: int) -> bool:
        try:
            row = conn.execute(
                "SELECT EXISTS (SELECT 1 FROM switchboard_events e JOIN projection_applied a "
                "ON a.event_id = e.originator_id::text || ':' || e.originator_version "
                "WHERE e.notification_id = %s AND a.projection = %s)", (position, projection)).fetchone()
        except psycopg.errors.UndefinedTable:
            return False  # no projection worker has started in this schema yet
        return bool(row and row[0])

    def wait(self, projection: str, position: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with connect(self.database_url, self.schema, autocommit=True) as conn:
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel(self.schema))))
            while True:
                if self.applied(conn, projection, position):
                    return True
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                # Block on the socket until a projection commits (a NOTIFY), or the deadline.
                select.select([conn.fileno()], [], [], remaining)
                for _ in conn.notifies(timeout=0):
                    pass

    def latest(self, projection: str) -> int:
        with connect(self.database_url, self.schema, autocommit=True) as conn:
            try:
                row = conn.execute("SELECT coalesce(max(sequence), 0) FROM projection_applied "
                                   "WHERE projection = %s", (projection,)).fetchone()
            except psycopg.errors.UndefinedTable:
                return 0
        return int(row[0]) if row else 0
