"""AccessLog aggregate: who read the audit record of one subject, what, and when.

Creation::

    AccessLog.open(id=UUID, subject_id=UUID | None, actor=str, occurred_at=datetime)

One log per subject (a customer, case, agent or interaction) keeps every audit read of it
together, so "who looked at this customer" is one aggregate to read. Reads about no single
subject (an export of a time range) have ``subject_id = None``; the application decides
how those are grouped. Every read appends a ``RecordViewed``; a log takes no other change.
Access-log events have ``customer_id = None``: they record what a viewer did, they are
not data of the subject, and erasing the subject leaves them in place.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Self
from uuid import UUID

from eventsourcing.domain import event

from domain import access_log_events as ev
from domain.events import SwitchboardAggregate
from domain.validation import require_text


class AccessLog(SwitchboardAggregate):
    class_version = 1

    Opened = ev.Opened
    RecordViewed = ev.RecordViewed

    @classmethod
    def open(cls, *, id: UUID, subject_id: UUID | None, actor: str, occurred_at: datetime) -> Self:
        return cls._create_with(cls.Opened, id=id, customer_id=None, actor=actor,
                                occurred_at=occurred_at, subject_id=subject_id)

    @event(Opened)
    def __init__(self, *, subject_id: UUID | None) -> None:
        self.subject_id = subject_id
        self.views = 0

    def record_view(
        self, *, viewer: str, what: str, query: Mapping[str, str], actor: str, occurred_at: datetime
    ) -> None:
        """Record that ``viewer`` read ``what`` of the subject with ``query``."""
        self._on_record_viewed(
            viewer=require_text(viewer, "viewer"),
            what=require_text(what, "what"),
            subject_id=self.subject_id,
            query={str(k): str(v) for k, v in query.items()},
            actor=actor,
            occurred_at=occurred_at,
        )

    @event(RecordViewed)
    def _on_record_viewed(
        self, *, viewer: str, what: str, subject_id: UUID | None, query: dict[str, str],
        actor: str, occurred_at: datetime,
    ) -> None:
        self.views += 1
