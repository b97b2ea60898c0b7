"""Tamper evidence: every stored event is hashed with its predecessors, in the same transaction.

Each event's hash covers its position, aggregate, version, type and stored bytes (the
ciphertext: erasure destroys keys, never bytes, so the chain stays verifiable), chained to
the previous event of the global log and to the previous version of its aggregate::

    hash = SHA-256("switchboard-event-v1" | global_prev | aggregate_prev | position
                   | aggregate id | version | topic | state)

Inserts are serialised by the event table's lock, so "the previous event" is well defined.
PostgreSQL computes the hashes (:func:`chain_function`) in the statement that inserts the
events, so the lock is held for no round trip; :func:`event_hash` is the same digest in Python,
for verifying.
"""

from __future__ import annotations

import hashlib
import struct
from uuid import UUID

from psycopg.sql import SQL, Composed, Identifier

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


def chain_function(schema: str, events_table: str) -> Composed:
    """``{schema}.switchboard_chain_events(ids)``: hash the events just inserted under the table
    lock (``ids``, ascending) onto both chains, inside the inserting statement. The same
    digest as :func:`event_hash` (``int4send``/``int8send`` are big-endian, ``uuid_send`` the
    16 bytes), so :mod:`adapters.chain_verifier` checks it in Python."""
    return SQL("""
CREATE OR REPLACE FUNCTION {schema}.switchboard_chain_events(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $chain$
DECLARE
    genesis CONSTANT bytea := decode(repeat('00', 32), 'hex');
    head bytea;
    previous bytea;
    digest bytea;
    found integer;
    known text[];  -- "<aggregate id>:<version>" of the hashes below, to find an aggregate's last
    known_hashes bytea[];
    positions bigint[] := '{{}}';
    originators uuid[] := '{{}}';
    versions bigint[] := '{{}}';
    digests bytea[] := '{{}}';
    heads bytea[] := '{{}}';
    previouses bytea[] := '{{}}';
    e record;
BEGIN
    SELECT h.hash INTO head FROM {schema}.event_hashes h ORDER BY h.notification_id DESC LIMIT 1;
    head := coalesce(head, genesis);
    SELECT coalesce(array_agg(h.originator_id::text || ':' || h.originator_version), '{{}}'),
           coalesce(array_agg(h.hash), '{{}}')
        INTO known, known_hashes
        FROM {schema}.event_hashes h JOIN {schema}.{events} s
        ON h.originator_id = s.originator_id AND h.originator_version = s.originator_version - 1
        WHERE s.notification_id = ANY(ids);
    FOR e IN SELECT s.notification_id, s.originator_id, s.originator_version, s.topic, s.state
             FROM {schema}.{events} s WHERE s.notification_id = ANY(ids) ORDER BY s.notification_id
    LOOP
        found := array_position(known, e.originator_id::text || ':' || (e.originator_version - 1));
        previous := CASE WHEN found IS NULL THEN genesis ELSE known_hashes[found] END;
        digest := sha256('switchboard-event-v1'::bytea
            || int4send(32) || head || int4send(32) || previous
            || int4send(8) || int8send(e.notification_id) || int4send(16) || uuid_send(e.originator_id)
            || int4send(8) || int8send(e.originator_version::bigint)
            || int4send(octet_length(convert_to(e.topic, 'UTF8'))) || convert_to(e.topic, 'UTF8')
            || int4send(octet_length(e.state)) || e.state);
        known := known || (e.originator_id::text || ':' || e.originator_version);
        known_hashes := known_hashes || digest;
        positions := positions || e.notification_id;
        originators := originators || e.originator_id;
        versions := versions || e.originator_version::bigint;
        digests := digests || digest;
        heads := heads || head;
        previouses := previouses || previous;
        head := digest;
    END LOOP;
    INSERT INTO {schema}.event_hashes (notification_id, originator_id, originator_version, hash,
                                       global_prev, aggregate_prev)
        SELECT * FROM unnest(positions, originators, versions, digests, heads, previouses);
END
$chain$""").format(schema=Identifier(schema), events=Identifier(events_table))
