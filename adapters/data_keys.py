"""Per-subject data keys for crypto-shredding, wrapped by a master key, kept in PostgreSQL.

A *subject* is whoever personal data belongs to: a customer, an interaction from a
caller not yet known (its key is handed to the customer when the interaction is linked),
or an agent. Destroying a customer's key (and the keys it owns) makes every copy of its
personal data — in the event store, on Kafka, in backups — unreadable for good.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from threading import Lock
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from psycopg import sql
from psycopg_pool import ConnectionPool

from adapters.services.processes import ServiceError

KEY_TABLES = """
CREATE TABLE IF NOT EXISTS {schema}.data_keys (
    subject_id uuid PRIMARY KEY,
    owner_id uuid,
    wrapped bytea,
    master_key_id text NOT NULL,
    retention_class text,
    created_at timestamptz NOT NULL DEFAULT now(),
    destroyed_at timestamptz
);
CREATE INDEX IF NOT EXISTS data_keys_owner ON {schema}.data_keys (owner_id);
CREATE TABLE IF NOT EXISTS {schema}.subject_aggregates (
    customer_id uuid NOT NULL,
    originator_id uuid NOT NULL,
    PRIMARY KEY (customer_id, originator_id)
);
"""


def master_key_id(key: bytes) -> str:
    return hashlib.sha256(b"switchboard-master-key:" + key).hexdigest()[:16]


@dataclass(frozen=True)
class MasterKeyring:
    """The current master key (wraps new keys) and earlier ones (only unwrap, until rotated)."""

    current: bytes
    previous: tuple[bytes, ...] = ()

    def __post_init__(self) -> None:
        for key in (self.current, *self.previous):
            if len(key) != 32:
                raise ServiceError("a master key must be 32 bytes (base64 of 32 random bytes)")

    @property
    def current_id(self) -> str:
        return master_key_id(self.current)

    def known_ids(self) -> set[str]:
        return {master_key_id(k) for k in (self.current, *self.previous)}

    def wrap(self, subject: UUID, data_key: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + AESGCM(self.current).encrypt(nonce, data_key, subject.bytes)

    def unwrap(self, subject: UUID, wrapped: bytes, key_id: str) -> bytes:
        for key in (self.current, *self.previous):
            if master_key_id(key) == key_id:
                try:
                    return AESGCM(key).decrypt(wrapped[:12], wrapped[12:], subject.bytes)
                except InvalidTag as exc:
                    raise ServiceError(f"data key of {subject} does not unwrap: store tampered") from exc
        raise ServiceError(f"data key of {subject} is wrapped by master key {key_id}, "
                           "which is not configured")


class DataKeyStore:
    """Creates, caches, hands over and destroys data keys."""

    def __init__(self, pool: ConnectionPool, schema: str, keyring: MasterKeyring,
                 cache_seconds: float = 10.0) -> None:
        self.pool = pool
        self.schema = sql.Identifier(schema)
        self.keyring = keyring
        self.cache_seconds = cache_seconds
        self._cache: dict[UUID, tuple[bytes | None, float]] = {}
        self._lock = Lock()

    def create_tables(self) -> None:
        with self.pool.connection() as conn:
            conn.execute(sql.SQL(KEY_TABLES).format(schema=self.schema))

    def check_master_key(self) -> None:
        """Refuse to start when stored keys are wrapped by a master key we do not have."""
        with self.pool.connection() as conn:
            rows = conn.execute(sql.SQL(
                "SELECT DISTINCT master_key_id FROM {}.data_keys WHERE wrapped IS NOT NULL"
            ).format(self.schema)).fetchall()
        unknown = {row[0] for row in rows} - self.keyring.known_ids()
        if unknown:
            raise ServiceError(
                f"the configured master key (id {self.keyring.current_id}) is not the one the data "
                f"keys are wrapped with (id {', '.join(sorted(unknown))}): set SWITCHBOARD_MASTER_KEY "
                "to the right key, or list the old one in SWITCHBOARD_PREVIOUS_MASTER_KEYS")

    def ensure(self, subjects: Iterable[tuple[UUID, str | None]]) -> None:
        """Create keys for subjects that have none yet, in one statement."""
        missing = {s: r for s, r in dict(subjects).items() if not self._has_live_key(s)}
        if not missing:
            return
        fresh = {subject: AESGCM.generate_key(256) for subject in missing}
        with self.pool.connection() as conn:
            rows = conn.execute(sql.SQL(
                "INSERT INTO {}.data_keys (subject_id, wrapped, master_key_id, retention_class) "
                "SELECT s, w, %s, r FROM unnest(%b::uuid[], %b::bytea[], %b::text[]) AS t(s, w, r) "
                "ON CONFLICT (subject_id) DO NOTHING RETURNING subject_id").format(self.schema),
                (self.keyring.current_id, list(fresh), [self.keyring.wrap(s, k) for s, k in fresh.items()],
                 list(missing.values()))).fetchall()
        created = {row[0] for row in rows}
        self._remember({subject: fresh[subject] for subject in created})
        taken = [subject for subject in missing if subject not in created]
        if taken:  # created meanwhile by another writer, or destroyed: read what is stored
            self._load(taken)

    def key(self, subject: UUID) -> bytes | None:
        """The subject's data key, or None when it was destroyed (or never existed)."""
        cached = self._cached(subject)
        if cached is not None:
            return cached[0]
        return self._load([subject]).get(subject)

    def preload(self, subjects: Iterable[UUID]) -> None:
        """Cache the keys of many subjects with one query, rather than one query per miss."""
        self.keys_of(subjects)

    def keys_of(self, subjects: Iterable[UUID]) -> dict[UUID, bytes | None]:
        """Many subjects' keys (None: destroyed or never made): the cached ones under one
        lock, the others with one query."""
        now, found, missing = time.monotonic(), {}, []
        with self._lock:
            for subject in set(subjects):
                entry = self._cache.get(subject)
                if entry is None or entry[1] < now:
                    missing.append(subject)
                else:
                    found[subject] = entry[0]
        if missing:
            found.update(self._load(missing))
        return found

    def forget(self, subjects: Iterable[UUID]) -> None:
        with self._lock:
            for subject in subjects:
                self._cache.pop(subject, None)

    def clear_cache(self) -> None:
        with self._lock:
            self._cache.clear()

    def rewrap_all(self) -> int:
        """Re-wrap every live key with the current master key; events are untouched."""
        count = 0
        with self.pool.connection() as conn:
            rows = conn.execute(sql.SQL(
                "SELECT subject_id, wrapped, master_key_id FROM {}.data_keys "
                "WHERE wrapped IS NOT NULL AND master_key_id <> %s").format(self.schema),
                (self.keyring.current_id,)).fetchall()
            for subject, wrapped, key_id in rows:
                data_key = self.keyring.unwrap(subject, bytes(wrapped), key_id)
                conn.execute(sql.SQL(
                    "UPDATE {}.data_keys SET wrapped = %s, master_key_id = %s WHERE subject_id = %s"
                ).format(self.schema), (self.keyring.wrap(subject, data_key), self.keyring.current_id,
                                        subject))
                count += 1
        return count

    def expired(self, retention_class: str, created_before: datetime) -> list[UUID]:
        """Live keys of one retention class created before the cut-off."""
        with self.pool.connection() as conn:
            rows = conn.execute(sql.SQL(
                "SELECT subject_id FROM {}.data_keys WHERE retention_class = %s AND created_at < %s "
                "AND wrapped IS NOT NULL ORDER BY created_at").format(self.schema),
                (retention_class, created_before)).fetchall()
        return [row[0] for row in rows]

    def destroy(self, subjects: list[UUID]) -> int:
        """Shred these keys (idempotent: already destroyed ones are left alone)."""
        with self.pool.connection() as conn:
            cur = conn.execute(sql.SQL(
                "UPDATE {}.data_keys SET wrapped = NULL, destroyed_at = now() "
                "WHERE subject_id = ANY(%s) AND wrapped IS NOT NULL").format(self.schema), (subjects,))
            count = cur.rowcount
        self.forget(subjects)
        return count

    def _has_live_key(self, subject: UUID) -> bool:
        cached = self._cached(subject)
        return cached is not None and cached[0] is not None

    def _cached(self, subject: UUID) -> tuple[bytes | None] | None:
        with self._lock:
            entry = self._cache.get(subject)
        if entry is None or entry[1] < time.monotonic():
            return None
        return (entry[0],)

    def _load(self, subjects: list[UUID]) -> dict[UUID, bytes | None]:
        with self.pool.connection() as conn:
            rows = conn.execute(sql.SQL(
                "SELECT subject_id, wrapped, master_key_id FROM {}.data_keys "
                "WHERE subject_id = ANY(%s)").format(self.schema), (subjects,)).fetchall()
        found: dict[UUID, bytes | None] = dict.fromkeys(subjects)
        for subject, wrapped, key_id in rows:
            found[subject] = None if wrapped is None else self.keyring.unwrap(subject, bytes(wrapped),
                                                                              key_id)
        self._remember(found)
        return found

    def _remember(self, keys: Mapping[UUID, bytes | None]) -> None:
        expires = time.monotonic() + self.cache_seconds
        with self._lock:
            for subject, key in keys.items():
                self._cache[subject] = (key, expires)
