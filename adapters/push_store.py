"""Frames for agents' screens in PostgreSQL: numbered per agent, kept for a window, announced by NOTIFY.

``append`` numbers each frame from a per-agent counter row (``push_sequences``), stores it in
``push_frames`` and calls ``pg_notify`` — all in one transaction. The counter's row lock
serialises the frames of one agent, and PostgreSQL delivers notifications in commit order, so
every listening process sees one agent's frames in ``seq`` order, with the same numbers.
A notification carries the frame itself behind a short ``|``-separated header, or only its
row id when it would not fit the 8000-byte payload limit. The table is the replay window for
reconnecting clients.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

from adapters.schema_pool import create_tables, schema_pool

log = logging.getLogger("switchboard.push")

# pg_notify refuses payloads of 8000 bytes or more.
NOTIFY_LIMIT = 7800

TABLES = (
    "CREATE TABLE IF NOT EXISTS push_sequences (agent_id uuid PRIMARY KEY, seq bigint NOT NULL)",
    "CREATE TABLE IF NOT EXISTS push_frames (id bigserial PRIMARY KEY, agent_id uuid NOT NULL, "
    "seq bigint NOT NULL, kind text NOT NULL, body text NOT NULL, received_at double precision, "
    "created_at timestamptz NOT NULL DEFAULT now(), UNIQUE (agent_id, seq))",
    "CREATE INDEX IF NOT EXISTS push_frames_created ON push_frames (created_at)",
)


@dataclass(frozen=True)
class OutgoingFrame:
    """A frame to number and route: ``data`` becomes the JSON body after ``type`` and ``seq``."""

    agent_id: UUID
    kind: str
    data: dict[str, Any]
    received_at: float | None = None  # wall-clock time the cause reached us, for latency metrics


@dataclass(frozen=True)
class RoutedFrame:
    agent_id: UUID
    seq: int
    kind: str
    body: str  # the JSON text sent to the agent's sockets
    received_at: float | None = None


@dataclass(frozen=True)
class Replay:
    """Frames after a client's ``last_seq`` still in the window, and the agent's latest ``seq``."""

    frames: list[RoutedFrame]
    current: int
    complete: bool  # False when the window no longer reaches back to the frame after last_seq


class PushStore(Protocol):
    def append(self, frames: Sequence[OutgoingFrame]) -> list[RoutedFrame]: ...

    def replay(self, agent_id: UUID, after: int | None, until: int | None = None) -> Replay: ...

    def frame(self, row_id: int) -> RoutedFrame | None: ...

    def prune(self) -> int: ...

    def forget_customer(self, customer_id: UUID) -> int: ...

    def close(self) -> None: ...


def channel(schema: str) -> str:
    return f"{schema}_push"


# One round trip for a whole batch: bump each agent's counter once by its number of frames
# (agents in one order, so two batches for the same agents cannot deadlock), number the
# frames in batch order, store them and announce each — the frame itself, or only its row id
# when it would not fit a notification. The arrays go in binary (%b): as text, each frame's
# JSON would have every quote escaped on the way in, by a regular expression per quote.
APPEND = """
WITH batch AS (
    SELECT * FROM unnest(%(agents)b::uuid[], %(kinds)b::text[], %(rests)b::text[],
                         %(received)b::double precision[]) WITH ORDINALITY
        AS f(agent_id, kind, rest, received_at, ord)
), bumped AS (
    INSERT INTO push_sequences AS s (agent_id, seq)
    SELECT agent_id, count(*) FROM batch GROUP BY agent_id ORDER BY agent_id
    ON CONFLICT (agent_id) DO UPDATE SET seq = s.seq + excluded.seq
    RETURNING agent_id, seq
), numbered AS (
    SELECT b.ord, b.agent_id, b.kind, b.rest, b.received_at,
           n.seq - count(*) OVER w + row_number() OVER (w ORDER BY b.ord) AS seq
    FROM batch b JOIN bumped n USING (agent_id)
    WINDOW w AS (PARTITION BY b.agent_id)
), stored AS (
    INSERT INTO push_frames (agent_id, seq, kind, body, received_at)
    SELECT agent_id, seq, kind, '{"type":' || to_json(kind)::text || ',"seq":' || seq || rest, received_at
    FROM numbered
    RETURNING id, agent_id, seq, kind, body, received_at
), announced AS (
    -- "agent|seq|kind|received_at|body", or "#<row id>" when that would not fit: a header
    -- to split, the body as it is — no JSON escaping of the frame inside another JSON.
    SELECT s.*, concat_ws('|', s.agent_id, s.seq, s.kind, coalesce(s.received_at::text, ''), s.body)
               AS whole
    FROM stored s
)
SELECT n.ord, a.agent_id, a.seq, a.kind, a.body, a.received_at,
       pg_notify(%(channel)s, CASE WHEN octet_length(a.whole) < %(limit)s THEN a.whole
                                   ELSE '#' || a.id END)
FROM announced a JOIN numbered n ON n.agent_id = a.agent_id AND n.seq = a.seq
ORDER BY a.agent_id, a.seq
"""


def decode_notice(payload: str) -> tuple[RoutedFrame | None, int | None]:
    """A NOTIFY payload → the frame it carries, or the row id to fetch it by; neither for a
    payload it cannot read (the sessions' gap fill fetches such a frame from the window).
    Also reads the JSON notices of earlier versions, for processes upgraded one by one."""
    try:
        if payload.startswith("#"):
            return None, int(payload[1:])
        if payload.startswith("{"):
            notice = json.loads(payload)
            if "id" in notice:
                return None, int(notice["id"])
            return RoutedFrame(UUID(notice["agent_id"]), int(notice["seq"]), str(notice["kind"]),
                               str(notice["body"]), notice.get("received_at")), None
        agent, seq, kind, received, body = payload.split("|", 4)
        return RoutedFrame(UUID(agent), int(seq), kind, body, float(received) if received else None), None
    except (ValueError, KeyError, TypeError, AttributeError):
        log.warning("unreadable push notice of %d characters ignored", len(payload))
        return None, None


def _rest(frame: OutgoingFrame) -> str:
    """The frame's JSON body after ``type`` and ``seq``: ``,"key":value…}`` (or ``}``)."""
    data = json.dumps(frame.data, default=str, separators=(",", ":"))
    return "}" if data == "{}" else "," + data[1:]


class PostgresPushStore:
    def __init__(self, database_url: str, schema: str, *, window_frames: int, window_seconds: float,
                 max_size: int = 4) -> None:
        self.schema = schema
        self.channel = channel(schema)
        self.window_frames = window_frames
        self.window_seconds = window_seconds
        # Frames are transient: a crash that loses the last ones rewinds the counter, and a
        # client holding a later seq is told to resync. Not waiting for the WAL flush saves
        # the fsync on every ring; autocommit sends an append as one round trip.
        self.pool = schema_pool(database_url, schema, max_size, autocommit=True, synchronous_commit=False)
        create_tables(self.pool, f"{schema}.push", TABLES)

    def append(self, frames: Sequence[OutgoingFrame]) -> list[RoutedFrame]:
        """Number, store and announce ``frames`` in one statement; returns them numbered."""
        if not frames:
            return []
        with self.pool.connection() as conn:
            rows = conn.execute(APPEND, {
                "agents": [frame.agent_id for frame in frames], "kinds": [frame.kind for frame in frames],
                "rests": [_rest(frame) for frame in frames],
                "received": [frame.received_at for frame in frames], "channel": self.channel,
                "limit": NOTIFY_LIMIT}).fetchall()
        by_order = {int(order): RoutedFrame(UUID(str(agent)), int(seq), str(kind), str(body), received)
                    for order, agent, seq, kind, body, received, _ in rows}
        return [by_order[order] for order in range(1, len(frames) + 1)]

    def replay(self, agent_id: UUID, after: int | None, until: int | None = None) -> Replay:
        """Frames with ``after < seq <= until`` (no upper bound when ``until`` is None)."""
        with self.pool.connection() as conn, conn.transaction():
            row = conn.execute("SELECT seq FROM push_sequences WHERE agent_id = %s", (agent_id,)).fetchone()
            current = int(row[0]) if row else 0
            if after is None or after >= current:
                return Replay([], current, after is None or after == current)
            rows = conn.execute(
                "SELECT seq, kind, body, received_at FROM push_frames WHERE agent_id = %s AND seq > %s "
                "AND seq <= %s AND created_at > now() - make_interval(secs => %s) ORDER BY seq",
                (agent_id, max(after, current - self.window_frames), current if until is None else until,
                 self.window_seconds)).fetchall()
        frames = [RoutedFrame(agent_id, int(seq), str(kind), str(body), received)
                  for seq, kind, body, received in rows]
        return Replay(frames, current, bool(frames) and frames[0].seq == after + 1)

    def frame(self, row_id: int) -> RoutedFrame | None:
        with self.pool.connection() as conn:
            row = conn.execute("SELECT agent_id, seq, kind, body, received_at FROM push_frames "
                               "WHERE id = %s", (row_id,)).fetchone()
        if row is None:
            return None  # pruned already: the connection's gap check fetches what it can
        return RoutedFrame(UUID(str(row[0])), int(row[1]), str(row[2]), str(row[3]), row[4])

    def prune(self) -> int:
        """Forget frames older than the window or behind an agent's last ``window_frames``;
        returns how many. (Replays already leave both out: this only bounds the table.)"""
        with self.pool.connection() as conn:
            cur = conn.execute(
                "DELETE FROM push_frames f USING push_sequences s WHERE f.agent_id = s.agent_id "
                "AND (f.created_at < now() - make_interval(secs => %s) OR f.seq <= s.seq - %s)",
                (self.window_seconds, self.window_frames))
            return int(cur.rowcount)

    def forget_customer(self, customer_id: UUID) -> int:
        """Delete the frames that name ``customer_id`` (a card, a candidate), after an erasure;
        returns how many. A client replaying past them is told to resync."""
        with self.pool.connection() as conn:
            cur = conn.execute("DELETE FROM push_frames WHERE strpos(body, %s) > 0", (str(customer_id),))
            return int(cur.rowcount)

    def close(self) -> None:
        self.pool.close()
