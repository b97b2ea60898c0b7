"""The relay's PostgreSQL side: the notification log, the published position, wake-ups, the lock.

Reading the log in ``notification_id`` order and never looking back is only safe when ids
become visible in the order they were issued: a reader must never see id 8 committed while
id 7 is still to come. A ``bigserial`` alone does not promise that (two transactions draw
7 and 8, the one holding 8 commits first). eventsourcing's ``PostgresApplicationRecorder``
closes that gap — see ``_insert_stored_events`` and ``_lock_table`` in
``eventsourcing/postgres.py``: every insert transaction first takes ``LOCK TABLE <events>
IN EXCLUSIVE MODE`` (which conflicts with itself, not with readers' ``ACCESS SHARE``), then
``NOTIFY``\\s, then inserts and so draws its ids, and holds the lock until it commits or
rolls back. So if id *n* is visible, every transaction that drew a lower id took the lock
before it and had ended before it was granted: each lower id is visible already, or was
rolled back (a permanent gap, e.g. after a version conflict) and never will be. That holds
only on the recorder's pipeline path; its ``enable_db_functions`` path inserts through a
PL/pgSQL function that takes no table lock, so :class:`PostgresRelayStore` refuses it.

One dedicated autocommit connection carries everything session-bound: the session
advisory lock that makes one relay active (released by PostgreSQL when the session ends,
including when the process is killed), ``LISTEN`` on the recorder's channel, and the
position writes — so a relay whose session died, and with it the lock, can no longer
move the position. The notifications themselves are read through the recorder's pool.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from typing import Protocol

import psycopg
from eventsourcing.persistence import InterfaceError, Notification, OperationalError
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg import sql

POSITION_TABLE = "relay_position"


class RelayStoreUnavailable(RuntimeError):
    """PostgreSQL did not answer, or the relay's session (and with it the lock) is gone."""


class RelayStore(Protocol):
    def try_lock(self) -> bool:
        """Become the active relay; False while another session holds the lock."""

    def position(self) -> int:
        """The notification id up to which events are published (0: none yet)."""

    def save_position(self, position: int) -> None: ...

    def read_after(self, position: int, limit: int) -> Sequence[Notification]: ...

    def latest(self) -> int:
        """The highest notification id stored (0: none)."""

    def wait(self, timeout: float) -> bool:
        """Block until events may have been stored (a NOTIFY) or ``timeout``; True if notified."""

    def close(self) -> None: ...


def lock_key(schema: str, name: str) -> int:
    """A signed 64-bit advisory lock key for one relay (schema and topic)."""
    digest = hashlib.sha256(f"switchboard-relay:{schema}:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class PostgresRelayStore:
    def __init__(self, recorder: PostgresApplicationRecorder, database_url: str, name: str) -> None:
        if recorder.datastore.enable_db_functions:
            raise ValueError("the relay needs the recorder's table-locking insert path; "
                             "unset POSTGRES_ENABLE_DB_FUNCTIONS")
        self._recorder = recorder
        self.name = name
        self.schema = recorder.datastore.schema
        self.lock_key = lock_key(self.schema, name)
        self._table = sql.Identifier(self.schema, POSITION_TABLE)
        try:
            self._conn = psycopg.connect(
                database_url, autocommit=True, connect_timeout=5,
                application_name=f"switchboard-relay/{os.getpid()}",
                keepalives=1, keepalives_idle=5, keepalives_interval=2, keepalives_count=3,
            )
        except psycopg.Error as exc:
            raise RelayStoreUnavailable(f"PostgreSQL: {exc}") from exc
        try:
            self._setup(recorder.channel_name)
        except psycopg.Error as exc:
            self._conn.close()
            raise RelayStoreUnavailable(f"PostgreSQL: {exc}") from exc

    def _setup(self, channel: str) -> None:
        # The server notices a vanished client (host gone, cable cut) within ~10 s and then
        # frees the lock; a killed process closes its socket and frees it at once.
        self._conn.execute("SET tcp_keepalives_idle = 5")
        self._conn.execute("SET tcp_keepalives_interval = 2")
        self._conn.execute("SET tcp_keepalives_count = 3")
        # Position writes do not wait for the WAL flush: a PostgreSQL crash may lose the last
        # fraction of a second of them, and the relay then re-sends those batches — duplicates
        # with the same ids, which the at-least-once contract allows and consumers skip.
        self._conn.execute("SET synchronous_commit TO off")
        with self._conn.transaction():
            # Serialises first-time creation by relays starting together (CREATE TABLE IF NOT
            # EXISTS alone can race on the catalog).
            self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key(self.schema, "setup"),))
            self._conn.execute(sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} (name text PRIMARY KEY, position bigint NOT NULL, "
                "updated_at timestamptz NOT NULL DEFAULT now())").format(self._table))
            self._conn.execute(sql.SQL("INSERT INTO {} (name, position) VALUES (%s, 0) "
                                       "ON CONFLICT (name) DO NOTHING").format(self._table), (self.name,))
        self._conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))

    def try_lock(self) -> bool:
        return bool(self._value(sql.SQL("SELECT pg_try_advisory_lock(%s)"), self.lock_key))

    def position(self) -> int:
        query = sql.SQL("SELECT position FROM {} WHERE name = %s").format(self._table)
        return int(str(self._value(query, self.name)))

    def save_position(self, position: int) -> None:
        # GREATEST: a position never moves back, whichever relay writes last.
        query = sql.SQL("UPDATE {} SET position = GREATEST(position, %s), updated_at = now() "
                        "WHERE name = %s RETURNING position").format(self._table)
        self._value(query, position, self.name)

    def read_after(self, position: int, limit: int) -> Sequence[Notification]:
        try:
            notifications: Sequence[Notification] = self._recorder.select_notifications(
                position, limit, inclusive_of_start=False)
        except (OperationalError, InterfaceError) as exc:
            raise RelayStoreUnavailable(f"PostgreSQL: {exc}") from exc
        return notifications

    def latest(self) -> int:
        try:
            return self._recorder.max_notification_id() or 0
        except (OperationalError, InterfaceError) as exc:
            raise RelayStoreUnavailable(f"PostgreSQL: {exc}") from exc

    def wait(self, timeout: float) -> bool:
        try:
            notified = any(True for _ in self._conn.notifies(timeout=timeout, stop_after=1))
            if notified:  # drain the ones queued behind it: one read covers them all
                for _ in self._conn.notifies(timeout=0):
                    pass
        except psycopg.Error as exc:
            raise RelayStoreUnavailable(f"PostgreSQL: {exc}") from exc
        return notified

    def close(self) -> None:
        self._conn.close()  # ends the session: the lock, if held, is released

    def _value(self, query: sql.SQL | sql.Composed, *params: object) -> object:
        try:
            row = self._conn.execute(query, params).fetchone()
        except psycopg.Error as exc:
            raise RelayStoreUnavailable(f"PostgreSQL: {exc}") from exc
        if row is None:
            raise RelayStoreUnavailable(f"relay position {self.name!r} is missing")
        return row[0]
