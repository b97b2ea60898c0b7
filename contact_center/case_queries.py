"""Case queues: unresolved cases by queue and agent, with SLA breaches measured now."""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from adapters.clock import Clock
from adapters.read_store import ReadStore
from contact_center.read_your_writes import ReadConsistency
from domain.case_values import CaseStatus
from domain.errors import InvalidValue
from projections.cases_sla import CasesSlaProjection
from projections.cases_sla_queries import (
    UNRESOLVED,
    CaseFilter,
    QueueCounts,
    QueuedCase,
    list_cases,
    queue_counts,
)

PROJECTION = CasesSlaProjection().full_name
MAX_LIMIT = 200


@dataclass(frozen=True)
class CasePage:
    items: list[QueuedCase]
    next_cursor: str | None


class CaseQueryService:
    def __init__(self, reads: ReadStore, consistency: ReadConsistency, clock: Clock) -> None:
        self.reads = reads
        self.consistency = consistency
        self.clock = clock

    def cases(self, *, statuses: Iterable[CaseStatus] = (), queue: str | None = None,
              assignee: UUID | None = None, breached: bool | None = None,
              about_to_breach: bool | None = None, limit: int = 50, cursor: str | None = None,
              min_position: int | None = None) -> CasePage:
        """Soonest running deadline first; without ``statuses``, the open and pending ones."""
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidValue(f"limit must be between 1 and {MAX_LIMIT}", field="limit")
        wanted = tuple(sorted({status.value for status in statuses})) or UNRESOLVED
        filters = CaseFilter(wanted, queue, assignee, breached, about_to_breach)
        after = decode_cursor(cursor) if cursor is not None else None
        self.consistency.require(PROJECTION, min_position)
        with self.reads.reading() as tx:
            rows = list_cases(tx, filters, self.clock.now(), limit + 1, after)
        more = len(rows) > limit
        items = rows[:limit]
        return CasePage(items, encode_cursor(items[-1]) if more else None)

    def queues(self, min_position: int | None = None) -> list[QueueCounts]:
        self.consistency.require(PROJECTION, min_position)
        with self.reads.reading() as tx:
            return queue_counts(tx, self.clock.now())


def encode_cursor(case: QueuedCase) -> str:
    text = f"{case.next_due.isoformat()}|{case.case_id}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, UUID]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        due, _, case_id = text.partition("|")
        moment = datetime.fromisoformat(due)
        if moment.tzinfo is None:
            raise ValueError("cursor time without offset")
        return moment, UUID(case_id)
    except ValueError as exc:  # binascii.Error and UnicodeDecodeError are ValueErrors
        raise InvalidValue("cursor is not one this list handed out", field="cursor") from exc
