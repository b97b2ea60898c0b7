"""Read-your-writes on the PostgreSQL side: has a projection applied the event at a position?"""

from __future__ import annotations

import time
from typing import Any

import psycopg
from psycopg import sql

from adapters.projection_store import applied_table, channel, connect


class PositionWaiter:
    """Read-your-writes: wait until a projection has applied the event at a global position."""

    def __init__(self, database_url: str, schema: str) -> None:
        self.database_url = database_url
        self.schema = schema

    def applied(self, conn: psycopg.Connection[Any], projection: str, position: int) -> bool:
        try:
            row = conn.execute(sql.SQL(
                "SELECT EXISTS (SELECT 1 FROM switchboard_events e JOIN {} a "
                "ON a.event_id = e.originator_id::text || ':' || e.originator_version "
                "WHERE e.notification_id = %s)").format(sql.Identifier(applied_table(projection))),
                (position,)).fetchone()
        except psycopg.errors.UndefinedTable:
            return False  # no projection worker has started in this schema yet
        return bool(row and row[0])

    def stored(self, position: int) -> bool:
        """Whether an event is stored at ``position``."""
        with connect(self.database_url, self.schema, autocommit=True) as conn:
            return self._stored(conn, position)

    @staticmethod
    def _stored(conn: psycopg.Connection[Any], position: int) -> bool:
        row = conn.execute("SELECT EXISTS (SELECT 1 FROM switchboard_events WHERE notification_id = %s)",
                           (position,)).fetchone()
        return bool(row and row[0])

    def wait(self, projection: str, position: int, timeout: float) -> bool:
        """False after ``timeout``, or at once when no event is stored at ``position`` (a
        position answered by a write is stored before the answer: it names none)."""
        deadline = time.monotonic() + timeout
        with connect(self.database_url, self.schema, autocommit=True) as conn:
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel(self.schema))))
            first = True
            while True:
                if self.applied(conn, projection, position):
                    return True
                if first and not self._stored(conn, position):
                    return False
                first = False
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                # Until a projection commits (a NOTIFY) or the deadline. A NOTIFY that came in
                # with the answer to the check above is already off the socket, queued by
                # psycopg: notifies() yields it at once, where waiting on the socket would not.
                for _ in conn.notifies(timeout=remaining, stop_after=1):
                    pass
                for _ in conn.notifies(timeout=0):
                    pass  # the rest of the burst: one check covers them all

    def latest(self, projection: str) -> int:
        with connect(self.database_url, self.schema, autocommit=True) as conn:
            try:
                row = conn.execute(sql.SQL("SELECT coalesce(max(sequence), 0) FROM {}").format(
                    sql.Identifier(applied_table(projection)))).fetchone()
            except psycopg.errors.UndefinedTable:
                return 0
        return int(row[0]) if row else 0
