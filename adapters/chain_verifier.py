"""Walks the hash chains in bounded memory and names the first broken link.

Two streaming passes with server-side cursors: the global log in position order (changed,
removed, reordered, inserted events), then every aggregate in version order (missing
versions). Signed checkpoints then prove the chain itself was not recomputed wholesale.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg
from psycopg import sql

from adapters.hash_chain import GENESIS, event_hash

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Break:
    position: int | None
    aggregate_id: UUID | None
    version: int | None
    problem: str


@dataclass(frozen=True)
class Verification:
    events: int
    checkpoints: int
    first_break: Break | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


class ChainVerifier:
    def __init__(self, database_url: str, schema: str, checkpoint_key: bytes) -> None:
        self.database_url = database_url
        self.schema = sql.Identifier(schema)
        self.key = checkpoint_key

    def total(self) -> int:
        with psycopg.connect(self.database_url) as conn:
            row = conn.execute(sql.SQL("SELECT count(*) FROM {}.switchboard_events").format(
                self.schema)).fetchone()
        return int(row[0]) if row else 0

    def verify(self, progress: Progress | None = None) -> Verification:
        with psycopg.connect(self.database_url) as conn:
            events, found = self._global_pass(conn, progress)
            found = found or self._aggregate_pass(conn)
            checkpoints, broken = self._checkpoints(conn)
        return Verification(events, checkpoints, found or broken)

    def sign_checkpoint(self, key_id: str) -> int | None:
        """Sign the current head of the chain; returns its position."""
        with psycopg.connect(self.database_url) as conn:
            head = sql.SQL("SELECT notification_id, hash FROM {}.event_hashes "
                           "ORDER BY notification_id DESC LIMIT 1").format(self.schema)
            row = conn.execute(head).fetchone()
            if row is None:
                return None
            insert = sql.SQL("INSERT INTO {}.hash_checkpoints (notification_id, hash, signature, key_id) "
                             "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING").format(self.schema)
            conn.execute(insert, (row[0], row[1], self._sign(int(row[0]), bytes(row[1])), key_id))
        return int(row[0])

    def _sign(self, position: int, digest: bytes) -> bytes:
        return hmac.new(self.key, f"{position}:".encode() + digest, hashlib.sha256).digest()

    def _stream(self, conn: psycopg.Connection[Any], query: sql.Composed) -> Iterator[Any]:
        with conn.cursor(name="chain_walk") as cursor:
            cursor.itersize = 2000
            cursor.execute(query)
            yield from cursor

    def _global_pass(
        self, conn: psycopg.Connection[Any], progress: Progress | None
    ) -> tuple[int, Break | None]:
        query = sql.SQL(
            "SELECT coalesce(e.notification_id, h.notification_id), e.originator_id, "
            "e.originator_version, e.topic, e.state, h.hash, h.global_prev, h.aggregate_prev, "
            "h.originator_id, h.originator_version FROM {0}.switchboard_events e FULL OUTER JOIN "
            "{0}.event_hashes h ON e.notification_id = h.notification_id ORDER BY 1").format(self.schema)
        previous, count = GENESIS, 0
        for pos, agg, ver, topic, state, digest, gprev, aprev, hagg, hver in self._stream(conn, query):
            count += 1
            if progress is not None and count % 1000 == 0:
                progress(count)
            if agg is None:
                return count, Break(pos, hagg, hver, "event removed: its hash remains, the event is gone")
            if digest is None:
                return count, Break(pos, agg, ver, "event has no hash: written outside the event store")
            if (hagg, hver) != (agg, ver):
                return count, Break(pos, agg, ver, f"event moved: position {pos} was hashed for "
                                                   f"{hagg} version {hver}")
            if bytes(gprev) != previous:
                return count, Break(pos, agg, ver, "chain broken before this event: an earlier "
                                                   "event was removed or reordered")
            if event_hash(previous, bytes(aprev), pos, agg, ver, topic, bytes(state)) != bytes(digest):
                return count, Break(pos, agg, ver, "event changed: its content no longer matches its hash")
            previous = bytes(digest)
        if progress is not None:
            progress(count)
        return count, None

    def _aggregate_pass(self, conn: psycopg.Connection[Any]) -> Break | None:
        query = sql.SQL("SELECT originator_id, originator_version, hash, aggregate_prev, notification_id "
                        "FROM {}.event_hashes ORDER BY originator_id, originator_version").format(self.schema)
        current: UUID | None = None
        expected_version, previous = 1, GENESIS
        for agg, ver, digest, aprev, pos in self._stream(conn, query):
            if agg != current:
                current, expected_version, previous = agg, 1, GENESIS
            if ver != expected_version:
                return Break(pos, agg, expected_version,
                             f"version {expected_version} of the aggregate is missing")
            if bytes(aprev) != previous:
                return Break(pos, agg, ver, "aggregate chain broken: the previous version was changed")
            expected_version, previous = ver + 1, bytes(digest)
        return None

    def _checkpoints(self, conn: psycopg.Connection[Any]) -> tuple[int, Break | None]:
        rows = conn.execute(sql.SQL(
            "SELECT c.notification_id, c.hash, c.signature, h.hash FROM {0}.hash_checkpoints c "
            "LEFT JOIN {0}.event_hashes h USING (notification_id) ORDER BY 1").format(self.schema)).fetchall()
        for pos, signed_hash, signature, current in rows:
            if not hmac.compare_digest(self._sign(pos, bytes(signed_hash)), bytes(signature)):
                return len(rows), Break(pos, None, None, "checkpoint signature invalid: forged checkpoint")
            if current is None or bytes(current) != bytes(signed_hash):
                return len(rows), Break(pos, None, None, "chain differs from the signed checkpoint: "
                                                         "hashes were recomputed")
        return len(rows), None
