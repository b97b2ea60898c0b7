"""PostgreSQL side of the CTI webhook: integrations with their rules, and the calls in flight.

``cti_integrations`` holds one row per telephony system, with the SHA-256 of its token (the
token itself is shown once and never stored); ``cti_blocked_numbers`` and
``cti_caller_id_rules`` are its inbound block list and outbound caller-ID rules.
``cti_calls`` remembers, per interaction, which agents a call was offered to and whether
they have been told it was taken or ended, so each notification goes out once however often
the telephony system repeats an event. It holds no phone numbers, and forgets a call after a
retention period (:meth:`CtiStore.forget_calls`).

Its ``cti_calls`` writes commit without waiting for the WAL flush (``synchronous_commit =
off``), like the push frames they gate: a ring's screen-pop never waits for a disk flush. A
crash loses at most the last fraction of a second of this bookkeeping, never the calls
themselves (those are events in the event store): a repeated ``newCall`` pops again, and an
answer or hangup of such a call tells only the agent who took it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

import psycopg

from adapters.schema_pool import create_tables, schema_pool
from projections.base import Read

TABLES = """
CREATE TABLE IF NOT EXISTS cti_integrations (
    id uuid PRIMARY KEY, name text NOT NULL UNIQUE, key_id text NOT NULL UNIQUE,
    token_sha256 bytea NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS cti_blocked_numbers (
    integration_id uuid NOT NULL REFERENCES cti_integrations ON DELETE CASCADE,
    number text NOT NULL, PRIMARY KEY (integration_id, number));
CREATE TABLE IF NOT EXISTS cti_caller_id_rules (
    integration_id uuid NOT NULL REFERENCES cti_integrations ON DELETE CASCADE,
    position int NOT NULL, pattern text NOT NULL, caller_id text NOT NULL,
    PRIMARY KEY (integration_id, position));
CREATE TABLE IF NOT EXISTS cti_calls (
    interaction_id uuid PRIMARY KEY, integration_id uuid NOT NULL, call_id text NOT NULL,
    offered uuid[] NOT NULL, taken_at timestamptz, ended_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX IF NOT EXISTS cti_calls_created ON cti_calls (created_at);
"""


class IntegrationExists(ValueError):
    """An integration of that name is already configured."""


@dataclass(frozen=True)
class StoredIntegration:
    id: UUID
    name: str
    token_sha256: bytes
    blocked: tuple[str, ...]
    caller_id_rules: tuple[tuple[str, str], ...]  # (pattern, caller id), first match wins


class CtiStore:
    def __init__(self, database_url: str, schema: str, max_size: int = 8) -> None:
        self.schema = schema
        self.pool = schema_pool(database_url, schema, max_size, autocommit=True, synchronous_commit=False)

    def create_tables(self) -> None:
        create_tables(self.pool, f"{self.schema}.cti", TABLES.split(";"))

    def add_integration(self, integration: StoredIntegration, key_id: str) -> None:
        try:
            with self.pool.connection() as conn, conn.transaction():
                # A token is shown once: its integration is on disk before the token is.
                conn.execute("SET LOCAL synchronous_commit TO on")
                conn.execute("INSERT INTO cti_integrations (id, name, key_id, token_sha256) "
                             "VALUES (%s, %s, %s, %s)",
                             (integration.id, integration.name, key_id, integration.token_sha256))
                for number in integration.blocked:
                    conn.execute("INSERT INTO cti_blocked_numbers (integration_id, number) "
                                 "VALUES (%s, %s) ON CONFLICT DO NOTHING", (integration.id, number))
                for position, (pattern, caller_id) in enumerate(integration.caller_id_rules):
                    conn.execute("INSERT INTO cti_caller_id_rules (integration_id, position, pattern, "
                                 "caller_id) VALUES (%s, %s, %s, %s)",
                                 (integration.id, position, pattern, caller_id))
        except psycopg.errors.UniqueViolation as exc:
            raise IntegrationExists(f"a CTI integration named {integration.name!r} exists") from exc

    def integration(self, key_id: str) -> StoredIntegration | None:
        """The integration a token's public key id names, with its rules, in one round trip."""
        with self.pool.connection() as conn:
            row = conn.execute(
                "SELECT i.id, i.name, i.token_sha256, "
                "ARRAY(SELECT number FROM cti_blocked_numbers b WHERE b.integration_id = i.id "
                "      ORDER BY number), "
                "ARRAY(SELECT ARRAY[pattern, caller_id] FROM cti_caller_id_rules r "
                "      WHERE r.integration_id = i.id ORDER BY position) "
                "FROM cti_integrations i WHERE i.key_id = %s", (key_id,)).fetchone()
        if row is None:
            return None
        rules = tuple((str(pattern), str(caller_id)) for pattern, caller_id in row[4])
        return StoredIntegration(UUID(str(row[0])), str(row[1]), bytes(row[2]),
                                 tuple(str(n) for n in row[3]), rules)

    def names(self) -> list[str]:
        with self.pool.connection() as conn:
            rows = conn.execute("SELECT name FROM cti_integrations ORDER BY name").fetchall()
        return [str(row[0]) for row in rows]

    def claim_call(self, interaction_id: UUID, integration_id: UUID, call_id: str) -> Read[bool]:
        """A ring's claim on its call as a statement to send along with the ring's other reads
        (one round trip for all): true when this ring is the call's first event, false for a
        repeated ``newCall`` or one arriving after its call's answer or hangup. The agents it
        is offered to follow with :meth:`offer_call`, once they have their screen-pop."""
        return Read("INSERT INTO cti_calls (interaction_id, integration_id, call_id, offered) "
                    "VALUES (%(interaction)s, %(integration)s, %(call)s, '{}') "
                    "ON CONFLICT (interaction_id) DO NOTHING RETURNING true",
                    {"interaction": interaction_id, "integration": integration_id, "call": call_id},
                    lambda rows: bool(rows))

    def offer_call(self, interaction_id: UUID, offered: Sequence[UUID]) -> None:
        """Record whom a claimed call was offered to (taken and ended go to them)."""
        with self.pool.connection() as conn:
            conn.execute("UPDATE cti_calls SET offered = %s WHERE interaction_id = %s",
                         (list(offered), interaction_id))

    def mark_taken(self, interaction_id: UUID, integration_id: UUID, call_id: str) -> tuple[UUID, ...] | None:
        """The agents the call was offered to, the first time it is marked taken while not
        ended; None after that. A call not seen before is remembered as offered to nobody."""
        return self._mark(interaction_id, integration_id, call_id, "taken_at",
                          "c.taken_at IS NULL AND c.ended_at IS NULL")

    def mark_ended(self, interaction_id: UUID, integration_id: UUID, call_id: str) -> tuple[UUID, ...] | None:
        """The agents the call was offered to, the first time it is marked ended; None after.
        A call not seen before is remembered as offered to nobody."""
        return self._mark(interaction_id, integration_id, call_id, "ended_at", "c.ended_at IS NULL")

    def _mark(self, interaction_id: UUID, integration_id: UUID, call_id: str, column: str,
              condition: str) -> tuple[UUID, ...] | None:
        # One round trip: remember the call (an answer or hangup may be the first event of it
        # that arrives) and mark it, returning whom it was offered to only when this marked it.
        with self.pool.connection() as conn:
            row = conn.execute(
                f"INSERT INTO cti_calls AS c (interaction_id, integration_id, call_id, offered, {column}) "
                f"VALUES (%s, %s, %s, '{{}}', now()) ON CONFLICT (interaction_id) DO UPDATE "
                f"SET {column} = now() WHERE {condition} RETURNING c.offered",
                (interaction_id, integration_id, call_id)).fetchone()
        return None if row is None else tuple(UUID(str(a)) for a in row[0])

    def forget_calls(self, older_than_seconds: float) -> int:
        """Forget calls first seen longer ago than that; returns how many. The calls themselves
        are events in the event store: only the bookkeeping of their notifications goes."""
        with self.pool.connection() as conn:
            cur = conn.execute("DELETE FROM cti_calls WHERE created_at < now() - make_interval(secs => %s)",
                               (older_than_seconds,))
            return int(cur.rowcount)

    def offered(self, interaction_id: UUID) -> tuple[UUID, ...]:
        with self.pool.connection() as conn:
            row = conn.execute("SELECT offered FROM cti_calls WHERE interaction_id = %s",
                               (interaction_id,)).fetchone()
        return () if row is None else tuple(UUID(str(a)) for a in row[0])

    def close(self) -> None:
        self.pool.close()
