"""PostgreSQL event store of record, through ``eventsourcing.postgres``.

One application recorder holds every aggregate's events in one table with one global,
gap-free-in-commit-order notification log. ``SwitchboardRecorder`` adds, inside the same
transaction as the events, their hashes, the idempotency record of the command that produced
them (so a retried request can never store its events twice), and the personal-data
bookkeeping — all one statement (:mod:`adapters.event_insert`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlparse
from uuid import UUID

from eventsourcing.persistence import InterfaceError, Notification, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import retry
from psycopg.sql import SQL, Identifier

from adapters.data_keys import KEY_TABLES
from adapters.event_insert import notify_call, record_call, record_function
from adapters.hash_chain import HASH_TABLES, chain_function


@dataclass(frozen=True)
class IdempotencyClaim:
    """What a command stores beside its events under its ``Idempotency-Key``."""

    key: str
    fingerprint: str
    aggregate_id: str
    version: int


@dataclass(frozen=True)
class IdempotentResult:
    fingerprint: str
    aggregate_id: str
    version: int
    position: int


def postgres_env(database_url: str, schema: str, pool_size: int = 10) -> dict[str, str]:
    """eventsourcing's Postgres settings from a ``postgresql://`` URL."""
    url = urlparse(database_url)
    if url.scheme not in ("postgresql", "postgres"):
        raise ValueError(f"DATABASE_URL must start with postgresql://, got {url.scheme!r}")
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": (url.path or "/postgres").lstrip("/") or "postgres",
        "POSTGRES_HOST": url.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(url.port or 5432),
        "POSTGRES_USER": unquote(url.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(url.password or ""),
        "POSTGRES_SCHEMA": schema,
        "POSTGRES_POOL_SIZE": str(pool_size),
        "POSTGRES_MAX_OVERFLOW": str(pool_size),
        "POSTGRES_LOCK_TIMEOUT": "10",
        "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "30",
        # No ping per checkout (a round trip on every query): a connection that broke while
        # pooled fails its first statement, and eventsourcing retries on a fresh one.
        "POSTGRES_PRE_PING": "n",
        "CREATE_TABLE": "y",
        "APPLICATION_RECORDER_TOPIC": f"{__name__}:SwitchboardRecorder",
    }


class SwitchboardRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        self.idempotency_table = Identifier(datastore.schema), Identifier("idempotency_keys")
        for statement in (*KEY_TABLES.split(";"), *HASH_TABLES.split(";")):
            if statement.strip():
                self.sql_create_statements.append(
                    SQL(statement).format(schema=Identifier(datastore.schema)))
        # Snapshots are created lazily by the library; make sure erasure can delete from them.
        self.sql_create_statements.append(SQL(
            "CREATE TABLE IF NOT EXISTS {0}.switchboard_snapshots (originator_id uuid NOT NULL, "
            "originator_version bigint NOT NULL, topic text, state bytea, "
            "PRIMARY KEY (originator_id, originator_version))").format(Identifier(datastore.schema)))
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {0}.{1} ("
                "key text PRIMARY KEY, fingerprint text NOT NULL, aggregate_id text NOT NULL, "
                "version bigint NOT NULL, position bigint NOT NULL, "
                "recorded_at timestamptz NOT NULL DEFAULT now())"
            ).format(*self.idempotency_table)
        )
        # Functions last: they name the tables above. See adapters/event_insert.py.
        schema, table = datastore.schema, self.events_table_name
        self.sql_create_statements.append(chain_function(schema, table))
        self.sql_create_statements.append(record_function(
            schema, table, self.stored_event_type_name, datastore.lock_timeout))
        self.record_statement = record_call(schema, self.stored_event_type_name)
        self.notify_statement = notify_call(self.channel_name)

    def create_table(self) -> None:
        """Create the tables with a lock held, so processes starting together (an API, a relay
        and its standby) do not race on PostgreSQL's catalog ("tuple concurrently updated")."""
        key = f"{self.datastore.schema}.ddl"
        with self.datastore.get_connection() as conn:
            conn.execute("SELECT pg_advisory_lock(hashtext(%s))", (key,))
            try:
                super().create_table()
            finally:
                conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (key,))

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)  # as the library's
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """Record ``stored_events`` and what the command adds (``idempotency``, ``key_owners``,
        ``subject_links``, ``erase_subject``) in one statement; their notification ids."""
        if not stored_events:
            return []
        claim: IdempotencyClaim | None = kwargs.get("idempotency")
        owners, links = sorted(kwargs.get("key_owners") or ()), sorted(kwargs.get("subject_links") or ())
        events = [self.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic, e.state)
                  for e in stored_events]
        with self.datastore.get_connection() as conn, conn.pipeline() as pipeline:
            # One round trip, two transactions: the save, then the relay's wake-up once it has
            # committed (see adapters/event_insert.py for why not from inside the save).
            saved = conn.execute(self.record_statement, (
                events, *_columns(owners), *_columns(links), kwargs.get("erase_subject"),
                *((claim.key, claim.fingerprint, claim.aggregate_id, claim.version) if claim
                  else (None,) * 4)), prepare=True)
            pipeline.sync()
            conn.execute(self.notify_statement, prepare=False)
            rows = saved.fetchall()
        return [row["switchboard_record_events"] for row in rows]

    def aggregates_of_customer(self, customer_id: UUID) -> list[UUID]:
        """Every aggregate that ever held personal data of this customer (besides itself)."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(SQL("SELECT originator_id FROM {0}.subject_aggregates WHERE customer_id = %s "
                             "ORDER BY originator_id").format(Identifier(self.datastore.schema)),
                         (customer_id,))
            return [row["originator_id"] for row in curs.fetchall()]

    def histories(self, originator_ids: Sequence[UUID]) -> list[StoredEvent]:
        """Each aggregate's latest snapshot (if any) and its events after it, for many aggregates
        in one query, ordered by aggregate and version: what loading them one by one reads."""
        statement = SQL(
            "WITH snapshot AS (SELECT DISTINCT ON (originator_id) * FROM {0}.switchboard_snapshots "
            "WHERE originator_id = ANY(%(ids)s) ORDER BY originator_id, originator_version DESC) "
            "SELECT originator_id, originator_version, topic, state FROM snapshot UNION ALL "
            "SELECT e.originator_id, e.originator_version, e.topic, e.state FROM {0}.{1} AS e "
            "LEFT JOIN snapshot AS s USING (originator_id) WHERE e.originator_id = ANY(%(ids)s) "
            "AND e.originator_version > coalesce(s.originator_version, 0) "
            "ORDER BY originator_id, originator_version"
        ).format(Identifier(self.datastore.schema), Identifier(self.events_table_name))
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(statement, {"ids": list(originator_ids)})
            return [StoredEvent(originator_id=row["originator_id"],
                                originator_version=row["originator_version"],
                                topic=row["topic"], state=bytes(row["state"]))
                    for row in curs.fetchall()]

    def notifications_of(self, originator_ids: Sequence[UUID], after: int, limit: int) -> list[Notification]:
        """The next ``limit`` events of these aggregates after log position ``after``, in log order."""
        statement = SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state FROM {0}.{1} "
            "WHERE originator_id = ANY(%s) AND notification_id > %s ORDER BY notification_id LIMIT %s"
        ).format(Identifier(self.datastore.schema), Identifier(self.events_table_name))
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(statement, (list(originator_ids), after, limit))
            return [Notification(id=row["notification_id"], originator_id=row["originator_id"],
                                 originator_version=row["originator_version"], topic=row["topic"],
                                 state=bytes(row["state"])) for row in curs.fetchall()]

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)  # as the library's reads
    def find_idempotent(self, key: str) -> IdempotentResult | None:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL("SELECT fingerprint, aggregate_id, version, position FROM {0}.{1} "
                    "WHERE key = %s").format(*self.idempotency_table),
                (key,),
            )
            row = curs.fetchone()
        if row is None:
            return None
        return IdempotentResult(row["fingerprint"], row["aggregate_id"], int(row["version"]),
                                int(row["position"]))


def _columns(pairs: list[tuple[UUID, UUID]]) -> tuple[list[UUID] | None, list[UUID] | None]:
    """Pairs as two arrays, for ``unnest``; NULLs for none."""
    if not pairs:
        return None, None
    return [first for first, _ in pairs], [second for _, second in pairs]
