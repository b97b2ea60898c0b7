"""Tamper evidence: every stored event is hashed with its predecessors, in the same transaction.

Each event's hash covers its position, aggregate, version, type and stored bytes (the
ciphertext: erasure destroys keys, never bytes, so the chain stays verifiable), chained to
the previous event of the global log and to the previous version of its aggregate::

    hash = SHA-256("switchboard-event-v1" | global_prev | aggregate_prev | position
                   | aggregate id | version | topic | state)

Inserts are serialised by the event table's lock, so "the previous event" is well defined.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

GENESIS = bytes(32)

HASH_TABLES = """
CREATE TABLE IF NOT EXISTS {schema}.event_hashes (
    notification_id bigint PRIMARY KEY, originator_id uuid NOT NULL,
    originator_version bigint NOT NULL, hash bytea NOT NULL, global_prev bytea NOT NULL,
    aggregate_prev bytea NOT NULL, UNIQUE (originator_id, originator_version));
CREATE TABLE IF NOT EXISTS {schema}.hash_checkpoints (
    notification_id bigint PRIMARY KEY, hash bytea NOT NULL, signature bytea NOT NULL,
    key_id text NOT NULL, signed_at timestamptz NOT NULL DEFAULT now())
"""


def _part(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def event_hash(global_prev: bytes, aggregate_prev: bytes, position: int, originator_id: UUID,
               version: int, topic: str, state: bytes) -> bytes:
    digest = hashlib.sha256(b"switchboard-event-v1")
    for part in (global_prev, aggregate_prev, struct.pack(">q", position), originator_id.bytes,
                 struct.pack(">q", version), topic.encode(), state):
        digest.update(_part(part))
    return digest.digest()


def chain_new_events(curs: Cursor[DictRow], schema: str, events: Sequence[StoredEvent],
                     ids: Sequence[int]) -> None:
    """Hash freshly inserted events (``ids`` parallel to ``events``) onto both chains."""
    table = Identifier(schema), Identifier("event_hashes")
    wanted = [(UUID(str(e.originator_id)), e.originator_version - 1) for e in events
              if e.originator_version > 1]
    # One round trip (this runs while the events table is locked): the chain's head, in the
    # row without an originator, and each aggregate's previous hash.
    curs.execute(SQL("(SELECT NULL::uuid AS originator_id, hash FROM {0}.{1} "
                     "ORDER BY notification_id DESC LIMIT 1) UNION ALL "
                     "SELECT h.originator_id, h.hash FROM {0}.{1} h JOIN unnest(%s::uuid[], "
                     "%s::bigint[]) AS w(id, v) ON h.originator_id = w.id AND "
                     "h.originator_version = w.v").format(*table),
                 ([w[0] for w in wanted], [w[1] for w in wanted]))
    global_prev = GENESIS
    aggregate_last: dict[UUID, bytes] = {}
    for row in curs.fetchall():
        if row["originator_id"] is None:
            global_prev = bytes(row["hash"])
        else:
            aggregate_last[row["originator_id"]] = bytes(row["hash"])
    rows = []
    for event, position in sorted(zip(events, ids, strict=True), key=lambda pair: pair[1]):
        originator = UUID(str(event.originator_id))
        aggregate_prev = aggregate_last.get(originator, GENESIS)
        digest = event_hash(global_prev, aggregate_prev, position, originator,
                            event.originator_version, event.topic, bytes(event.state))
        rows.append((position, originator, event.originator_version, digest, global_prev,
                     aggregate_prev))
        global_prev = aggregate_last[originator] = digest
    curs.execute(
        SQL("INSERT INTO {0}.{1} (notification_id, originator_id, originator_version, hash, "
            "global_prev, aggregate_prev) SELECT * FROM unnest(%b::bigint[], %b::uuid[], "
            "%b::bigint[], %b::bytea[], %b::bytea[], %b::bytea[]) RETURNING notification_id"
            ).format(*table),
        tuple(list(column) for column in zip(*rows, strict=True)))
    # Binary parameters (%b): in text every hash would be hex-escaped inside an array literal.
    curs.fetchall()  # surfaces a conflict here, inside the recorder's error handling
