"""PostgreSQL side of users: accounts, their API keys, the changes made to them, failed logins.

``users`` holds one row per account with its argon2 password hash; ``user_api_keys`` the
SHA-256 of each API key (the key is shown once and never stored); ``user_changes`` is
append-only: every creation, password reset, role change and key issued or revoked, with who
did it and when, written in the same transaction as the change. ``login_failures`` feeds the
login rate limit and only keeps the last window's rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from adapters.schema_pool import create_tables, schema_pool

TABLES = """
CREATE TABLE IF NOT EXISTS users (
    id uuid PRIMARY KEY, username text NOT NULL UNIQUE, role text NOT NULL, agent_id uuid,
    password_hash text, active boolean NOT NULL DEFAULT true, created_at timestamptz NOT NULL);
CREATE TABLE IF NOT EXISTS user_api_keys (
    key_id text PRIMARY KEY, user_id uuid NOT NULL REFERENCES users, key_sha256 bytea NOT NULL,
    created_at timestamptz NOT NULL, revoked_at timestamptz);
CREATE TABLE IF NOT EXISTS user_changes (
    seq bigserial PRIMARY KEY, user_id uuid NOT NULL, change text NOT NULL, detail jsonb NOT NULL,
    actor text NOT NULL, occurred_at timestamptz NOT NULL);
CREATE TABLE IF NOT EXISTS login_failures (
    username text NOT NULL, client text NOT NULL, failed_at timestamptz NOT NULL);
CREATE INDEX IF NOT EXISTS login_failures_by_pair ON login_failures (username, client, failed_at);
"""
_USER = "SELECT id, username, role, agent_id, password_hash, active, created_at FROM users"


class UsernameTaken(ValueError):
    """Another account has that username."""


@dataclass(frozen=True)
class StoredUser:
    id: UUID
    username: str
    role: str
    agent_id: UUID | None
    password_hash: str | None
    active: bool
    created_at: datetime


@dataclass(frozen=True)
class UserChange:
    user_id: UUID
    change: str  # created, password_reset, role_changed, api_key_issued, api_key_revoked, ...
    detail: dict[str, Any]
    actor: str
    occurred_at: datetime


class UserStore(Protocol):
    def add(self, user: StoredUser, change: UserChange) -> None: ...
    def user(self, username: str) -> StoredUser | None: ...
    def user_by_id(self, user_id: UUID) -> StoredUser | None: ...
    def users(self) -> list[StoredUser]: ...
    def update(self, user_id: UUID, change: UserChange, **columns: object) -> None: ...
    def add_api_key(self, key_id: str, key_sha256: bytes, change: UserChange) -> None: ...
    def api_key(self, key_id: str) -> tuple[bytes, StoredUser] | None: ...
    def revoke_api_key(self, key_id: str, change: UserChange) -> bool: ...
    def api_key_owner(self, key_id: str) -> UUID | None: ...
    def changes(self, user_id: UUID) -> list[UserChange]: ...
    def recent_failures(self, username: str, client: str, since: datetime) -> list[datetime]: ...
    def record_failure(self, username: str, client: str, at: datetime, forget_before: datetime) -> None: ...
    def clear_failures(self, username: str, client: str) -> None: ...
    def close(self) -> None: ...


def _user(row: tuple[Any, ...]) -> StoredUser:
    return StoredUser(UUID(str(row[0])), str(row[1]), str(row[2]),
                      None if row[3] is None else UUID(str(row[3])), row[4], bool(row[5]), row[6])


class PostgresUserStore:
    def __init__(self, database_url: str, schema: str, max_size: int = 4) -> None:
        self.schema = schema
        self.pool = schema_pool(database_url, schema, max_size)

    def create_tables(self) -> None:
        create_tables(self.pool, f"{self.schema}.users", TABLES.split(";"))

    @staticmethod
    def _log(conn: psycopg.Connection[Any], change: UserChange) -> None:
        conn.execute("INSERT INTO user_changes (user_id, change, detail, actor, occurred_at) "
                     "VALUES (%s, %s, %s, %s, %s)",
                     (change.user_id, change.change, Jsonb(change.detail), change.actor, change.occurred_at))

    def add(self, user: StoredUser, change: UserChange) -> None:
        try:
            with self.pool.connection() as conn, conn.transaction():
                conn.execute("INSERT INTO users (id, username, role, agent_id, password_hash, active, "
                             "created_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                             (user.id, user.username, user.role, user.agent_id, user.password_hash,
                              user.active, user.created_at))
                self._log(conn, change)
        except psycopg.errors.UniqueViolation as exc:
            raise UsernameTaken(f"a user named {user.username!r} exists") from exc

    def user(self, username: str) -> StoredUser | None:
        with self.pool.connection() as conn:
            row = conn.execute(f"{_USER} WHERE username = %s", (username,)).fetchone()
        return None if row is None else _user(row)

    def user_by_id(self, user_id: UUID) -> StoredUser | None:
        with self.pool.connection() as conn:
            row = conn.execute(f"{_USER} WHERE id = %s", (user_id,)).fetchone()
        return None if row is None else _user(row)

    def users(self) -> list[StoredUser]:
        with self.pool.connection() as conn:
            return [_user(row) for row in conn.execute(f"{_USER} ORDER BY username").fetchall()]

    def update(self, user_id: UUID, change: UserChange, **columns: object) -> None:
        assignments = sql.SQL(", ").join(
            sql.SQL("{} = {}").format(sql.Identifier(name), sql.Placeholder()) for name in columns)
        with self.pool.connection() as conn, conn.transaction():
            conn.execute(sql.SQL("UPDATE users SET {} WHERE id = %s").format(assignments),
                         (*columns.values(), user_id))
            self._log(conn, change)

    def add_api_key(self, key_id: str, key_sha256: bytes, change: UserChange) -> None:
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("INSERT INTO user_api_keys (key_id, user_id, key_sha256, created_at) "
                         "VALUES (%s, %s, %s, %s)", (key_id, change.user_id, key_sha256, change.occurred_at))
            self._log(conn, change)

    def api_key(self, key_id: str) -> tuple[bytes, StoredUser] | None:
        """A live key's hash and its user, in one round trip."""
        with self.pool.connection() as conn:
            row = conn.execute(
                "SELECT k.key_sha256, u.id, u.username, u.role, u.agent_id, u.password_hash, u.active, "
                "u.created_at FROM user_api_keys k JOIN users u ON u.id = k.user_id "
                "WHERE k.key_id = %s AND k.revoked_at IS NULL", (key_id,)).fetchone()
        return None if row is None else (bytes(row[0]), _user(row[1:]))

    def api_key_owner(self, key_id: str) -> UUID | None:
        with self.pool.connection() as conn:
            row = conn.execute("SELECT user_id FROM user_api_keys WHERE key_id = %s AND revoked_at IS NULL",
                               (key_id,)).fetchone()
        return None if row is None else UUID(str(row[0]))

    def revoke_api_key(self, key_id: str, change: UserChange) -> bool:
        with self.pool.connection() as conn, conn.transaction():
            revoked = conn.execute("UPDATE user_api_keys SET revoked_at = %s WHERE key_id = %s "
                                   "AND revoked_at IS NULL", (change.occurred_at, key_id)).rowcount
            if revoked:
                self._log(conn, change)
        return revoked == 1

    def changes(self, user_id: UUID) -> list[UserChange]:
        with self.pool.connection() as conn:
            rows = conn.execute("SELECT user_id, change, detail, actor, occurred_at FROM user_changes "
                                "WHERE user_id = %s ORDER BY seq", (user_id,)).fetchall()
        return [UserChange(UUID(str(r[0])), str(r[1]), dict(r[2]), str(r[3]), r[4]) for r in rows]

    def recent_failures(self, username: str, client: str, since: datetime) -> list[datetime]:
        with self.pool.connection() as conn:
            rows = conn.execute("SELECT failed_at FROM login_failures WHERE username = %s AND client = %s "
                                "AND failed_at > %s ORDER BY failed_at", (username, client, since)).fetchall()
        return [row[0] for row in rows]

    def record_failure(self, username: str, client: str, at: datetime, forget_before: datetime) -> None:
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("DELETE FROM login_failures WHERE username = %s AND client = %s AND failed_at <= %s",
                         (username, client, forget_before))
            conn.execute("INSERT INTO login_failures (username, client, failed_at) VALUES (%s, %s, %s)",
                         (username, client, at))

    def clear_failures(self, username: str, client: str) -> None:
        with self.pool.connection() as conn:
            conn.execute("DELETE FROM login_failures WHERE username = %s AND client = %s", (username, client))

    def close(self) -> None:
        self.pool.close()
