"""A projection's tables built beside the live ones, and the one transaction that swaps them in.

The new copy lives in a schema of its own (``<schema>_rebuild_<hash of the projection>``)
with the same table names (its applied event ids among them) and its own
``projection_offsets``, so the projection's handlers and queries run there unchanged. The
switch, in the live schema::

    BEGIN
      bump the projection's generation     waits for a live batch in flight, holds off new ones
      (the caller catches the copy up)     to the live stored offsets, so nothing goes back
      offsets  ← the copy's                replaced for this projection only
      SAVEPOINT; lock_timeout 100 ms       never deadlock a reader: give way and retry instead
        live tables  → <shadow>_old        ALTER TABLE … SET SCHEMA
        copy's tables → live schema
      NOTIFY
    COMMIT                                 then <shadow>_old and the shadow schema are dropped

A reader that waited on a table lock during the switch resolves the name again and reads the
new table; one that had read a live table before holds the switch off until it ends. So every
read sees the old complete tables or the new ones, never a missing table. The workers see the
new generation, roll back the batch they may have polled, and resume from the new offsets.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql

from adapters.projection_store import ProjectionTables, connect
from projections.base import Projection

log = logging.getLogger("switchboard.projections")
SWAP_LOCK_TIMEOUT = "100ms"
SWAP_ATTEMPTS = 600  # about a minute of readers holding a table before the switch gives up


def shadow_schema(schema: str, projection: Projection) -> str:
    digest = hashlib.sha256(projection.full_name.encode()).hexdigest()[:10]
    return f"{schema[:40]}_rebuild_{digest}"  # within PostgreSQL's 63 bytes with "_old"


class RebuildInProgress(RuntimeError):
    """Another rebuild of the same projection in the same schema is running."""


class ShadowTables:
    """The new copy, created empty; leftovers of an interrupted rebuild are dropped first."""

    def __init__(self, database_url: str, schema: str, projection: Projection) -> None:
        self.database_url = database_url
        self.name = shadow_schema(schema, projection)
        self.retired = f"{self.name}_old"
        # One rebuild per projection and schema at a time: held by this session until closed.
        self.guard = psycopg.connect(database_url, autocommit=True)
        locked = self.guard.execute("SELECT pg_try_advisory_lock(hashtext(%s))",
                                    (f"rebuild:{self.name}",)).fetchone()
        if not (locked and locked[0]):
            self.guard.close()
            raise RebuildInProgress(f"{projection.full_name} is being rebuilt already")
        self.discard()
        self.guard.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(self.name)))
        # The copy's commits need not wait for the disk: a crash loses the copy anyway (the
        # next rebuild drops it), and the switch commits synchronously on the live connection,
        # which flushes the log up to and past every commit of the copy before it.
        self.conn = connect(database_url, self.name, synchronous_commit=False)
        self.tables = ProjectionTables(self.conn, self.name, projection)
        self.tables.create()

    def discard(self) -> None:
        for schema in (self.retired, self.name):
            self.guard.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))

    def close(self) -> None:
        self.conn.close()
        try:
            self.discard()
        finally:
            self.guard.close()


class LiveSwitch:
    """The live side of a rebuild: holds the workers off, then swaps the copy in."""

    def __init__(self, database_url: str, schema: str, projection: Projection) -> None:
        self.schema = schema
        self.projection = projection
        self.conn: psycopg.Connection[Any] = connect(database_url, schema)
        self.tables = ProjectionTables(self.conn, schema, projection)
        self.tables.create_bookkeeping()

    @contextmanager
    def holding_off_workers(self) -> Iterator[None]:
        """One transaction: the workers wait from its start; the swap commits at its end."""
        with self.conn.transaction():
            self.tables.lock_out_workers()
            yield

    def live_offsets(self, topic: str) -> dict[int, int]:
        rows = self.conn.execute("SELECT partition, next_offset FROM projection_offsets "
                                 "WHERE projection = %s AND topic = %s",
                                 (self.projection.full_name, topic)).fetchall()
        return {int(p): int(o) for p, o in rows}

    def swap(self, shadow: ShadowTables) -> None:
        """Inside :meth:`holding_off_workers`: the copy's bookkeeping and tables become live."""
        name, copy = self.projection.full_name, sql.Identifier(shadow.name)
        self.conn.execute("DELETE FROM projection_offsets WHERE projection = %s", (name,))
        self.conn.execute(sql.SQL("INSERT INTO projection_offsets SELECT * FROM {}.projection_offsets "
                                  "WHERE projection = %s").format(copy), (name,))
        for attempt in range(SWAP_ATTEMPTS):
            try:
                with self.conn.transaction():  # a savepoint: a timed-out attempt releases its locks
                    self._move_tables(shadow)
                break
            except psycopg.errors.LockNotAvailable:
                if attempt == SWAP_ATTEMPTS - 1:
                    raise
                log.info("switching %s: a reader holds a table; trying again", name)
        self.tables.notify()

    def _move_tables(self, shadow: ShadowTables) -> None:
        self.conn.execute(sql.SQL("SET LOCAL lock_timeout = {}").format(sql.Literal(SWAP_LOCK_TIMEOUT)))
        live, copy, retired = (sql.Identifier(s) for s in (self.schema, shadow.name, shadow.retired))
        self.conn.execute(sql.SQL("CREATE SCHEMA {}").format(retired))
        for table in self.tables.table_names:  # the applied event ids move with the tables
            t = sql.Identifier(table)
            self.conn.execute(sql.SQL("ALTER TABLE IF EXISTS {}.{} SET SCHEMA {}").format(live, t, retired))
            self.conn.execute(sql.SQL("ALTER TABLE {}.{} SET SCHEMA {}").format(copy, t, live))
        self.conn.execute("SET LOCAL lock_timeout = 0")

    def close(self) -> None:
        self.conn.close()
