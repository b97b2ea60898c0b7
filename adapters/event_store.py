"""PostgreSQL event store of record, through ``eventsourcing.postgres``.

One application recorder holds every aggregate's events in one table with one global,
gap-free-in-commit-order notification log. ``SwitchboardRecorder`` adds, inside the same
transaction as the events, the idempotency record of the command that produced them,
so a retried request can never store its events twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlparse

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier


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
        "POSTGRES_PRE_PING": "y",
        "CREATE_TABLE": "y",
        "APPLICATION_RECORDER_TOPIC": f"{__name__}:SwitchboardRecorder",
    }


class SwitchboardRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        self.idempotency_table = Identifier(datastore.schema), Identifier("idempotency_keys")
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {0}.{1} ("
                "key text PRIMARY KEY, fingerprint text NOT NULL, aggregate_id text NOT NULL, "
                "version bigint NOT NULL, position bigint NOT NULL, "
                "recorded_at timestamptz NOT NULL DEFAULT now())"
            ).format(*self.idempotency_table)
        )

    def _fetch_ids_after_insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        claim: IdempotencyClaim | None = kwargs.get("idempotency")
        if claim is not None and ids:
            curs.execute(
                SQL("INSERT INTO {0}.{1} (key, fingerprint, aggregate_id, version, position) "
                    "VALUES (%s, %s, %s, %s, %s) RETURNING key").format(*self.idempotency_table),
                (claim.key, claim.fingerprint, claim.aggregate_id, claim.version, max(ids)),
            )
            curs.fetchone()  # in pipeline mode this surfaces a duplicate key here, inside the try
        return ids

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
