"""One statement records a command: its events, their hashes, its key and subject bookkeeping.

Inserts into the event table are serialised by an ``EXCLUSIVE`` table lock (eventsourcing's
way of keeping notification ids in commit order, which the relay relies on), held until the
commit. Every round trip to the client while it is held stalls every other writer, and a
busy API process's thread may wait for the interpreter before it sends its next statement.
So the whole transaction is one PL/pgSQL call, run as an implicit transaction on an
autocommit connection: the lock is taken, the events inserted and hashed
(:func:`adapters.hash_chain.chain_function`), the idempotency record, key owners and subject
links written, and the lot committed, all inside PostgreSQL.

The relay is woken by a ``NOTIFY`` sent after that commit (:func:`notify_call`), in a
transaction of its own, and not from inside the save. PostgreSQL serialises the commits of
all notifying transactions under one lock, held through each commit's WAL flush: a save that
notified from inside held every other notifier — the agents' push frames above all — behind its
disk flush, and a slow flush stalled every screen-pop of the moment with it.
"""

from __future__ import annotations

from psycopg.sql import SQL, Composed, Identifier


def record_function(schema: str, events_table: str, event_type: str, lock_timeout: int) -> Composed:
    """``{schema}.switchboard_record_events(…)``: returns the events' notification ids in the
    order given (ascending). A duplicate version or idempotency key aborts all of it."""
    return SQL("""
CREATE OR REPLACE FUNCTION {schema}.switchboard_record_events(
    events {schema}.{event_type}[], owner_ids uuid[], owned_ids uuid[], link_customers uuid[],
    link_aggregates uuid[], erase uuid, claim_key text, claim_fingerprint text,
    claim_aggregate text, claim_version bigint) RETURNS SETOF bigint
LANGUAGE plpgsql AS $record$
DECLARE
    ids bigint[];
BEGIN
    SET LOCAL lock_timeout = '{lock_timeout}s';
    LOCK TABLE {schema}.{events_table} IN EXCLUSIVE MODE;
    WITH inserted AS (
        INSERT INTO {schema}.{events_table} (originator_id, originator_version, topic, state)
        SELECT u.originator_id, u.originator_version, u.topic, u.state FROM unnest(events) AS u
        RETURNING notification_id)
    SELECT array_agg(i.notification_id ORDER BY i.notification_id) INTO ids FROM inserted i;
    PERFORM {schema}.switchboard_chain_events(ids);
    IF owner_ids IS NOT NULL THEN  -- keys handed to the customer (an unknown caller's, once linked)
        UPDATE {schema}.data_keys AS k SET owner_id = o.owner_id
        FROM unnest(owner_ids, owned_ids) AS o(owner_id, subject_id) WHERE k.subject_id = o.subject_id;
    END IF;
    IF link_customers IS NOT NULL THEN  -- which aggregates hold a customer's data, for exports
        INSERT INTO {schema}.subject_aggregates (customer_id, originator_id)
        SELECT l.customer_id, l.originator_id FROM unnest(link_customers, link_aggregates)
            AS l(customer_id, originator_id)
        ON CONFLICT DO NOTHING;
    END IF;
    IF erase IS NOT NULL THEN  -- erasure: destroy the keys, drop the plain snapshots
        UPDATE {schema}.data_keys AS k SET wrapped = NULL, destroyed_at = now()
        WHERE (k.subject_id = erase OR k.owner_id = erase) AND k.wrapped IS NOT NULL;
        DELETE FROM {schema}.switchboard_snapshots AS s WHERE s.originator_id = erase;
    END IF;
    IF claim_key IS NOT NULL THEN
        INSERT INTO {schema}.idempotency_keys (key, fingerprint, aggregate_id, version, position)
        VALUES (claim_key, claim_fingerprint, claim_aggregate, claim_version, ids[cardinality(ids)]);
    END IF;
    RETURN QUERY SELECT unnest(ids);
END
$record$""").format(schema=Identifier(schema), events_table=Identifier(events_table),
                    event_type=Identifier(event_type), lock_timeout=SQL(str(int(lock_timeout))))


def record_call(schema: str, event_type: str) -> Composed:
    return SQL("SELECT * FROM {schema}.switchboard_record_events(%b::{schema}.{event_type}[], "
               "%s::uuid[], %s::uuid[], %s::uuid[], %s::uuid[], %s::uuid, %s::text, %s::text, "
               "%s::text, %s::bigint)").format(schema=Identifier(schema), event_type=Identifier(event_type))


def notify_call(channel: str) -> Composed:
    """Wakes the relay: sent once a save has committed (a notification only, no WAL to flush)."""
    return SQL("NOTIFY {channel}").format(channel=Identifier(channel))
