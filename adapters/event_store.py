"""PostgreSQL event store of record, through ``eventsourcing.postgres``.

One application recorder holds every aggregate's events in one table with one global,
gap-free-in-commit-order notification log. ``SwitchboardRecorder`` adds, inside the same
transaction as the events, the idempotency record of the command that produced them,
so a retried request can never store its events twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlparse
from uuid import UUID

from eventsourcing.persistence import Notification, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import retry
from psycopg import Cursor, InterfaceError, OperationalError
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from adapters.data_keys import KEY_TABLES
from adapters.hash_chain import HASH_TABLES, chain_new_events


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
        # The library's statement with the events passed in binary (%b): in text, each event's
        # bytes are escaped twice (composite inside array), which cost more CPU than the insert.
        self.insert_events_statement = SQL(
            "INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state) "
            "SELECT originator_id, originator_version, topic, state "
            "FROM unnest(%b::{schema}.{event_type}[]) RETURNING notification_id"
        ).format(schema=Identifier(datastore.schema), table=Identifier(self.events_table_name),
                 event_type=Identifier(self.stored_event_type_name))

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

    def _fetch_ids_after_insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        if ids:
            chain_new_events(curs, self.datastore.schema, stored_events, ids)
        self._record_key_owners(curs, kwargs.get("key_owners") or ())
        self._record_subject_links(curs, kwargs.get("subject_links") or ())
        erase: UUID | None = kwargs.get("erase_subject")
        if erase is not None:
            self._shred(curs, erase)
        claim: IdempotencyClaim | None = kwargs.get("idempotency")
        if claim is not None and ids:
            curs.execute(
                SQL("INSERT INTO {0}.{1} (key, fingerprint, aggregate_id, version, position) "
                    "VALUES (%s, %s, %s, %s, %s) RETURNING key").format(*self.idempotency_table),
                (claim.key, claim.fingerprint, claim.aggregate_id, claim.version, max(ids)),
            )
            curs.fetchone()  # in pipeline mode this surfaces a duplicate key here, inside the try
        return ids

    def _record_subject_links(self, curs: Cursor[DictRow], links: Iterable[tuple[UUID, UUID]]) -> None:
        """Remember which aggregates hold a customer's data, for access exports."""
        pairs = sorted(links)
        if pairs:  # one statement however many pairs: a bulk import links hundreds
            curs.execute(
                SQL("INSERT INTO {0}.subject_aggregates (customer_id, originator_id) "
                    "SELECT * FROM unnest(%b::uuid[], %b::uuid[]) ON CONFLICT DO NOTHING"
                    ).format(Identifier(self.datastore.schema)), _columns(pairs))

    def _record_key_owners(self, curs: Cursor[DictRow], owners: Iterable[tuple[UUID, UUID]]) -> None:
        """Hand keys (an unknown caller's interaction key, retention keys) to the customer."""
        pairs = sorted(owners)
        if not pairs:
            return
        curs.execute(
            SQL("UPDATE {0}.data_keys AS k SET owner_id = o.owner_id "
                "FROM unnest(%b::uuid[], %b::uuid[]) AS o(owner_id, subject_id) "
                "WHERE k.subject_id = o.subject_id").format(Identifier(self.datastore.schema)),
            _columns(pairs))

    def _shred(self, curs: Cursor[DictRow], customer_id: UUID) -> None:
        """Destroy the customer's data keys and the keys it owns; drop its plain snapshots."""
        schema = Identifier(self.datastore.schema)
        curs.execute(
            SQL("UPDATE {0}.data_keys SET wrapped = NULL, destroyed_at = now() "
                "WHERE (subject_id = %s OR owner_id = %s) AND wrapped IS NOT NULL").format(schema),
            (customer_id, customer_id))
        curs.execute(SQL("DELETE FROM {0}.switchboard_snapshots WHERE originator_id = %s").format(schema),
                     (customer_id,))

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


def _columns(pairs: list[tuple[UUID, UUID]]) -> tuple[list[UUID], list[UUID]]:
    """Pairs as two arrays, for ``unnest``."""
    return [first for first, _ in pairs], [second for _, second in pairs]
