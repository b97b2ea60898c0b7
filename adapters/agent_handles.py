"""Which agent holds each login and extension, so that a login or an extension names one agent.

The CTI webhook finds the agents of a call by ``user`` (login or name) and ``answeringNumber``
(extension or login): two agents with one login or one extension would make that ambiguous.
Each handle (``login:<login, case-folded>``, ``extension:<extension>``) is a row naming its
agent; the event store stays the truth (see :class:`contact_center.agents.AgentService`), the
rows only let one onboarding at a time win a handle. A login is kept here in plain text, as
the user store keeps usernames, until its agent is deactivated.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from psycopg import sql

from adapters.schema_pool import create_tables, schema_pool

TABLES = (
    "CREATE TABLE IF NOT EXISTS agent_handles (handle text PRIMARY KEY, agent_id uuid NOT NULL, "
    "claimed_at timestamptz NOT NULL DEFAULT now())",
)
ONBOARDED_TOPIC = "domain.agent:Agent.Onboarded"  # as the event store names the event's class
FILLED = ""  # the row that says the handles of agents onboarded before this table were filled in
NOBODY = UUID(int=0)

CLAIM = """
WITH wanted AS (SELECT DISTINCT unnest(%(handles)s::text[]) AS handle),
claimed AS (
    INSERT INTO agent_handles (handle, agent_id) SELECT handle, %(agent)s FROM wanted
    ON CONFLICT (handle) DO NOTHING RETURNING handle
)
SELECT h.handle, h.agent_id, extract(epoch FROM now() - h.claimed_at)::float8
FROM agent_handles h JOIN wanted USING (handle)
WHERE h.agent_id <> %(agent)s AND h.handle NOT IN (SELECT handle FROM claimed)
"""


@dataclass(frozen=True)
class HeldHandle:
    """A handle another agent holds, and for how long (seconds)."""

    handle: str
    agent_id: UUID
    held_seconds: float


class AgentHandles(Protocol):
    def claim(self, handles: Sequence[str], agent_id: UUID) -> list[HeldHandle]:
        """Claim the free ones of ``handles`` for ``agent_id``; return those others hold."""
        ...

    def take_over(self, handle: str, holder: UUID, agent_id: UUID) -> bool:
        """Move ``handle`` from ``holder`` to ``agent_id``; False when ``holder`` no longer has it."""
        ...

    def release(self, handles: Iterable[str], agent_id: UUID) -> None: ...

    def filled(self) -> bool:
        """Whether the handles of the agents onboarded before this table were filled in."""
        ...

    def mark_filled(self) -> None: ...

    def stored_agents(self) -> list[UUID]:
        """Every agent ever onboarded, from the event store."""
        ...

    def close(self) -> None: ...


class PostgresAgentHandles:
    def __init__(self, database_url: str, schema: str, events_table: str, max_size: int = 2) -> None:
        self.events_table = events_table
        self.pool = schema_pool(database_url, schema, max_size, autocommit=True)
        create_tables(self.pool, f"{schema}.agent_handles", TABLES)

    def claim(self, handles: Sequence[str], agent_id: UUID) -> list[HeldHandle]:
        if not handles:
            return []
        with self.pool.connection() as conn:
            rows = conn.execute(CLAIM, {"handles": list(handles), "agent": agent_id}).fetchall()
        return [HeldHandle(str(handle), UUID(str(holder)), float(seconds))
                for handle, holder, seconds in rows]

    def take_over(self, handle: str, holder: UUID, agent_id: UUID) -> bool:
        with self.pool.connection() as conn:
            cur = conn.execute("UPDATE agent_handles SET agent_id = %s, claimed_at = now() "
                               "WHERE handle = %s AND agent_id = %s", (agent_id, handle, holder))
            return cur.rowcount == 1

    def release(self, handles: Iterable[str], agent_id: UUID) -> None:
        with self.pool.connection() as conn:
            conn.execute("DELETE FROM agent_handles WHERE agent_id = %s AND handle = ANY(%s)",
                         (agent_id, list(handles)))

    def filled(self) -> bool:
        with self.pool.connection() as conn:
            row = conn.execute("SELECT 1 FROM agent_handles WHERE handle = %s", (FILLED,)).fetchone()
        return row is not None

    def mark_filled(self) -> None:
        with self.pool.connection() as conn:
            conn.execute("INSERT INTO agent_handles (handle, agent_id) VALUES (%s, %s) "
                         "ON CONFLICT DO NOTHING", (FILLED, NOBODY))

    def stored_agents(self) -> list[UUID]:
        with self.pool.connection() as conn:
            rows = conn.execute(sql.SQL("SELECT DISTINCT originator_id FROM {} WHERE topic = %s").format(
                sql.Identifier(self.events_table)), (ONBOARDED_TOPIC,)).fetchall()
        return [UUID(str(row[0])) for row in rows]

    def close(self) -> None:
        self.pool.close()
