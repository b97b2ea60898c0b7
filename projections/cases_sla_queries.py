"""Reading the cases & SLA read model: filtered, paged case lists and per-queue counts.

Breach and risk are computed from the stored deadlines and the ``now`` the caller passes,
in SQL (so filters and paging agree) with the rule of :func:`domain.sla.deadline_state`:
a deadline is *breached* once it passed unmet, or was met late; it is *at risk* while it
runs with less than ``AT_RISK_FRACTION`` of its window left. The first response counts as
done when the case was resolved without one. Rows come back with each deadline's state
computed by ``deadline_state`` itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.sla import AT_RISK_FRACTION, SlaState, deadline_state
from projections.base import Tx
from projections.cases_sla import TABLE

UNRESOLVED = ("open", "pending")
_RESPONSE_DONE = "coalesce(first_responded_at, resolved_at)"


def _breached(due: str, done: str) -> str:
    return f"(CASE WHEN {done} IS NULL THEN %(now)s > {due} ELSE {done} > {due} END)"


def _at_risk(due: str, done: str) -> str:
    return (f"({done} IS NULL AND %(now)s <= {due} "
            f"AND {due} - %(now)s <= ({due} - opened_at) * %(fraction)s)")


BREACHED = (f"({_breached('first_response_due', _RESPONSE_DONE)} "
            f"OR {_breached('resolution_due', 'resolved_at')})")
AT_RISK = (f"({_at_risk('first_response_due', _RESPONSE_DONE)} "
           f"OR {_at_risk('resolution_due', 'resolved_at')})")
COLUMNS = ("case_id, customer_id, kind, category, priority, status, assignee_id, opened_at, "
           "first_response_due, resolution_due, first_responded_at, resolved_at, escalation_level, "
           "next_due")


@dataclass(frozen=True)
class CaseFilter:
    statuses: tuple[str, ...] = UNRESOLVED
    queue: str | None = None
    assignee: UUID | None = None
    breached: bool | None = None
    about_to_breach: bool | None = None


@dataclass(frozen=True)
class QueuedCase:
    case_id: UUID
    customer_id: UUID
    kind: str
    queue: str
    priority: str
    status: str
    assignee_id: UUID | None
    opened_at: datetime
    first_response_due: datetime
    resolution_due: datetime
    first_responded_at: datetime | None
    resolved_at: datetime | None
    escalation_level: int
    next_due: datetime
    response: SlaState
    resolution: SlaState

    @property
    def breached(self) -> bool:
        return SlaState.BREACHED in (self.response, self.resolution)

    @property
    def about_to_breach(self) -> bool:
        return SlaState.AT_RISK in (self.response, self.resolution)


@dataclass(frozen=True)
class QueueCounts:
    queue: str
    open: int
    breached: int
    about_to_breach: int


def list_cases(tx: Tx, filters: CaseFilter, now: datetime, limit: int,
               after: tuple[datetime, UUID] | None = None) -> list[QueuedCase]:
    """Cases matching ``filters``, soonest running deadline first, after the keyset ``after``."""
    where = ["status = ANY(%(statuses)s)"]
    params: dict[str, Any] = {"statuses": list(filters.statuses), "now": now,
                              "fraction": AT_RISK_FRACTION, "limit": limit}
    if filters.queue is not None:
        where.append("category = %(queue)s")
        params["queue"] = filters.queue
    if filters.assignee is not None:
        where.append("assignee_id = %(assignee)s")
        params["assignee"] = filters.assignee
    if filters.breached is not None:
        where.append(BREACHED if filters.breached else f"NOT {BREACHED}")
    if filters.about_to_breach is not None:
        where.append(AT_RISK if filters.about_to_breach else f"NOT {AT_RISK}")
    if after is not None:
        where.append("(next_due, case_id) > (%(after_due)s, %(after_id)s)")
        params.update(after_due=after[0], after_id=after[1])
    rows = tx.fetchall(f"SELECT {COLUMNS} FROM {TABLE} WHERE {' AND '.join(where)} "
                       "ORDER BY next_due, case_id LIMIT %(limit)s", params)
    return [_queued(row, now) for row in rows]


def queue_counts(tx: Tx, now: datetime) -> list[QueueCounts]:
    """Unresolved cases per queue, with how many are breached or about to be."""
    rows = tx.fetchall(
        f"SELECT category, count(*), count(*) FILTER (WHERE {BREACHED}), "
        f"count(*) FILTER (WHERE {AT_RISK}) FROM {TABLE} WHERE status = ANY(%(statuses)s) "
        "GROUP BY category ORDER BY category",
        {"statuses": list(UNRESOLVED), "now": now, "fraction": AT_RISK_FRACTION})
    return [QueueCounts(str(q), int(n), int(b), int(r)) for q, n, b, r in rows]


def _queued(row: tuple[Any, ...], now: datetime) -> QueuedCase:
    (case_id, customer_id, kind, category, priority, status, assignee_id, opened_at, response_due,
     resolution_due, responded_at, resolved_at, escalation_level, next_due) = row
    return QueuedCase(
        case_id=case_id, customer_id=customer_id, kind=kind, queue=category, priority=priority,
        status=status, assignee_id=assignee_id, opened_at=opened_at,
        first_response_due=response_due, resolution_due=resolution_due,
        first_responded_at=responded_at, resolved_at=resolved_at,
        escalation_level=escalation_level, next_due=next_due,
        response=deadline_state(opened_at, response_due, responded_at or resolved_at, now),
        resolution=deadline_state(opened_at, resolution_due, resolved_at, now),
    )


def next_deadline(tx: Tx, now: datetime) -> datetime | None:
    """The soonest deadline of an unresolved case still to pass after ``now`` and not yet met:
    the moment the next breach can happen."""
    row = tx.fetchone(
        "SELECT least(min(first_response_due) FILTER (WHERE first_responded_at IS NULL "
        "AND first_response_due > %(now)s), min(resolution_due) FILTER (WHERE resolution_due > %(now)s)) "
        f"FROM {TABLE} WHERE status = ANY(%(statuses)s) AND resolved_at IS NULL",
        {"now": now, "statuses": list(UNRESOLVED)})
    return None if row is None else row[0]
