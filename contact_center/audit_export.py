"""Exports stored events as JSON Lines of CloudEvents: one customer's, or a time range's.

Each line is byte for byte the record the relay puts on Kafka for that event
(:class:`adapters.cloudevents_envelope.CloudEventsEnvelope`): same ``id``, ``sequence``,
``type``, and personal fields as the ciphertext envelopes they are stored as. With
``decrypted`` every envelope is opened first (erased ones read ``"[erased]"`` or null), and
the record is otherwise the same. The log is read in pages of :data:`PAGE` events, so an
export of any size holds one page in memory, and it ends at the log's head as it stood when
the export was asked for: events stored while it streams are not chased.

- a customer: the customer's events and those of every aggregate that held its data, in
  log order;
- a time range: every event with ``start <= occurred_at < end``, in log order (the whole
  log is read, as times live inside the stored events).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from adapters.cloudevents_envelope import CloudEventsEnvelope
from adapters.personal_data_mapper import PersonalDataMapper, is_envelope, open_envelope
from contact_center.audit_history import AuditHistory

PAGE = 500


@dataclass(frozen=True)
class ExportScope:
    head: int  # the last log position the export covers
    customer_id: UUID | None = None
    aggregate_ids: tuple[UUID, ...] = ()  # the customer's, itself first
    start: datetime | None = None
    end: datetime | None = None
    decrypted: bool = False

    def query(self) -> dict[str, str]:
        """What was asked for, for the access log (ids and times only)."""
        shown = {"decrypted": str(self.decrypted).lower()}
        if self.customer_id is not None:
            return {"customer": str(self.customer_id), **shown}
        times = {"from": self.start, "to": self.end}
        return {**{name: t.isoformat() for name, t in times.items() if t is not None}, **shown}


class AuditExport:
    def __init__(self, history: AuditHistory, source: str) -> None:
        self.history = history
        self.app = history.app
        self.recorder = history.recorder
        self.transcoder = self.app.mapper.transcoder
        self.envelope = CloudEventsEnvelope(self.transcoder, source=source)

    def of_customer(self, customer_id: UUID, decrypted: bool = False) -> ExportScope:
        """The scope of one customer's export; NotFound for no customer."""
        aggregates = tuple(self.history.aggregates_of(customer_id))
        return ExportScope(head=self._head(), customer_id=customer_id, aggregate_ids=aggregates,
                           decrypted=decrypted)

    def of_period(self, start: datetime, end: datetime, decrypted: bool = False) -> ExportScope:
        if start.utcoffset() is None or end.utcoffset() is None:
            raise ValueError("from and to need a time zone")
        if end <= start:
            raise ValueError("to must lie after from")
        return ExportScope(head=self._head(), start=start, end=end, decrypted=decrypted)

    def lines(self, scope: ExportScope) -> Iterator[bytes]:
        """The export, one JSON record and newline per event."""
        position = 0
        while position < scope.head:
            page = self._page(scope, position)
            if not page:
                return
            if scope.decrypted and isinstance(self.app.mapper, PersonalDataMapper):
                self.app.mapper.prefetch_keys(page)
            for notification in page:
                if notification.id > scope.head:
                    return
                state: dict[str, Any] = self.transcoder.decode(notification.state)  # once per event
                if not self._in_scope(scope, state):
                    continue
                if scope.decrypted:
                    notification = self._opened(notification, state)
                yield self.envelope.record(notification, None if scope.decrypted else state).value + b"\n"
            position = page[-1].id

    def _head(self) -> int:
        return self.recorder.max_notification_id() or 0

    def _page(self, scope: ExportScope, after: int) -> list[Notification]:
        if scope.customer_id is not None:
            return self.recorder.notifications_of(scope.aggregate_ids, after, PAGE)
        return list(self.recorder.select_notifications(after, PAGE, inclusive_of_start=False))

    @staticmethod
    def _in_scope(scope: ExportScope, state: dict[str, Any]) -> bool:
        if scope.start is None or scope.end is None:
            return True
        occurred_at: datetime = state["occurred_at"]
        return scope.start <= occurred_at < scope.end

    def _opened(self, notification: Notification, decoded: dict[str, Any]) -> Notification:
        """The notification with its personal fields decrypted, stored the same way otherwise."""
        keys = self.app.data_keys
        if keys is None:  # stored in plain text: nothing to open
            return notification
        state = dict(decoded)
        for name, value in state.items():
            if is_envelope(value):
                state[name] = open_envelope(keys, self.transcoder, value,
                                            UUID(str(notification.originator_id)),
                                            notification.originator_version, name)
        return dataclasses.replace(notification, state=self.transcoder.encode(state))
