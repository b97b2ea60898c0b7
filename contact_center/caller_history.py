"""A customer's history across every channel: the caller history read model, paged."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from adapters.read_store import ReadStore
from contact_center.errors import NotFound
from contact_center.read_your_writes import ReadConsistency
from domain.errors import InvalidValue
from domain.interaction_values import Channel
from projections.caller_history import MAX_LIMIT, CallerHistoryProjection, customer_known, timeline
from projections.caller_history_entries import Position, TimelinePage, TimelineQuery, decode_cursor

PROJECTION = CallerHistoryProjection().full_name
DEFAULT_LIMIT = 50


class CallerHistoryService:
    def __init__(self, reads: ReadStore, consistency: ReadConsistency) -> None:
        self.reads = reads
        self.consistency = consistency

    def timeline(self, customer_id: UUID, *, limit: int = DEFAULT_LIMIT, cursor: str | None = None,
                 channels: Iterable[str] = (), since: datetime | None = None,
                 until: datetime | None = None, min_position: int | None = None) -> TimelinePage:
        """Newest first. A customer the read model has never heard of is NotFound; a known one
        without history has an empty page."""
        query = TimelineQuery(limit=_limit(limit), after=_cursor(cursor), channels=_channels(channels),
                              since=_aware(since, "since"), until=_aware(until, "until"))
        if query.since is not None and query.until is not None and query.since >= query.until:
            raise InvalidValue("since must be before until", field="since")
        self.consistency.require(PROJECTION, min_position)
        with self.reads.reading() as tx:
            if not customer_known(tx, customer_id):
                raise NotFound("customer", customer_id)
            return timeline(tx, customer_id, query)


def _limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidValue(f"limit must be between 1 and {MAX_LIMIT}", field="limit")
    return limit


def _cursor(cursor: str | None) -> Position | None:
    if cursor is None:
        return None
    try:
        return decode_cursor(cursor)
    except ValueError as exc:
        raise InvalidValue("cursor is not one this timeline handed out", field="cursor") from exc


def _channels(channels: Iterable[str]) -> frozenset[str]:
    known = {channel.value for channel in Channel}
    wanted = frozenset(str(channel) for channel in channels)
    unknown = sorted(wanted - known)
    if unknown:
        raise InvalidValue(f"unknown channel {unknown[0]!r}; one of {', '.join(sorted(known))}",
                           field="channel")
    return wanted


def _aware(moment: datetime | None, name: str) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        raise InvalidValue(f"{name} needs a UTC offset (e.g. 2026-03-02T09:30:00Z)", field=name)
    return moment
