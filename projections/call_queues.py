"""Call queues: the inbound calls ringing in each queue right now.

One row per call that is live or whose facts are incomplete. A call *waits* from its ring
(inbound, with a queue) until it is answered or ends unanswered (missed, abandoned, busy,
voicemail, forwarded). An unknown caller's events may arrive on two partitions (before and
after the caller was linked), so the ring, the answer and the outcome can come in any order:
each event upserts its fact, and the row is deleted once every fact the call will have is
known — the ring and an unanswered outcome, or the ring, the answer and the end (only an
answered call ends normally). So the table holds the calls in progress, and every order of
the events, a replay from offset 0 included, ends with the same rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from projections.base import Handler, ProjectedEvent, Projection, Tx

TABLE = "call_queues_v1"
CALL = "switchboard.interaction."
UNANSWERED = ("call_missed", "call_abandoned", "call_ended_busy", "voicemail_left", "call_forwarded")


@dataclass(frozen=True)
class QueueWaiting:
    queue: str
    waiting: int
    oldest_rang_at: datetime  # the longest-waiting call's ring


class CallQueuesProjection(Projection):
    name = "call_queues"
    version = 1
    tables = (
        f"CREATE TABLE IF NOT EXISTS {TABLE} (interaction_id uuid PRIMARY KEY, direction text, "
        "queue text, rang_at timestamptz, answered boolean NOT NULL DEFAULT false, "
        "finished boolean NOT NULL DEFAULT false, "
        # Set by a normal end, which only an answered call has: the answer is still to come.
        "needs_answer boolean NOT NULL DEFAULT false)",
        f"CREATE INDEX IF NOT EXISTS {TABLE}_waiting ON {TABLE} (queue) "
        "WHERE rang_at IS NOT NULL AND NOT answered AND NOT finished",
    )
    table_names = (TABLE,)

    def handlers(self) -> Mapping[str, Handler]:
        return {CALL + "call_rang": self.rang, CALL + "call_answered": self.answered,
                CALL + "call_ended": lambda tx, e: self.finished(tx, e, needs_answer=True),
                **{CALL + kind: self.finished for kind in UNANSWERED}}

    def rang(self, tx: Tx, event: ProjectedEvent) -> None:
        tx.write(f"INSERT INTO {TABLE} (interaction_id, direction, queue, rang_at) "
                   "VALUES (%s, %s, %s, %s) ON CONFLICT (interaction_id) DO UPDATE SET "
                   "direction = EXCLUDED.direction, queue = EXCLUDED.queue, rang_at = EXCLUDED.rang_at",
                   (event.aggregate_id, event.data.get("direction"), event.data.get("queue"), event.time))
        self._forget_if_done(tx, event)

    def answered(self, tx: Tx, event: ProjectedEvent) -> None:
        tx.write(f"INSERT INTO {TABLE} (interaction_id, answered) VALUES (%s, true) "
                   "ON CONFLICT (interaction_id) DO UPDATE SET answered = true", (event.aggregate_id,))
        self._forget_if_done(tx, event)

    def finished(self, tx: Tx, event: ProjectedEvent, needs_answer: bool = False) -> None:
        tx.write(f"INSERT INTO {TABLE} (interaction_id, finished, needs_answer) VALUES (%s, true, %s) "
                   "ON CONFLICT (interaction_id) DO UPDATE SET finished = true, "
                   "needs_answer = EXCLUDED.needs_answer", (event.aggregate_id, needs_answer))
        self._forget_if_done(tx, event)

    @staticmethod
    def _forget_if_done(tx: Tx, event: ProjectedEvent) -> None:
        tx.write(f"DELETE FROM {TABLE} WHERE interaction_id = %s AND rang_at IS NOT NULL AND finished "
                   "AND (answered OR NOT needs_answer)", (event.aggregate_id,))


def waiting(tx: Tx) -> list[QueueWaiting]:
    """Inbound calls ringing and not yet answered, per queue, by queue name."""
    rows = tx.fetchall(f"SELECT queue, count(*)::int, min(rang_at) FROM {TABLE} WHERE rang_at IS NOT NULL "
                       "AND NOT answered AND NOT finished AND queue IS NOT NULL AND direction = 'inbound' "
                       "GROUP BY queue ORDER BY queue")
    return [QueueWaiting(str(queue), int(count), oldest) for queue, count, oldest in rows]
