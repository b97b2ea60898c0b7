"""A customer's full history: every event of the customer and of every aggregate that held
its data (interactions, cases), in log order, each with what it changed.

Pages are read by log position (``cursor`` is the position of the last entry returned), so
a page costs one query for its events plus, per aggregate on the page, one rebuild of the
state just before its first event there (from a snapshot when one lies before it). Each
event is then applied to that state, and the change is the state after minus the state
before (:mod:`contact_center.state_diff`): exactly what the event did to the aggregate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import project_aggregate
from eventsourcing.domain import Aggregate

from adapters.personal_data_mapper import PersonalDataMapper
from contact_center.audit_replay import AuditReplay
from contact_center.errors import NotFound
from contact_center.state_diff import FieldChange, changed_fields, state_fields
from domain.customer import Customer
from domain.events import SwitchboardAggregate, event_type_name
from domain.interaction import Interaction

MAX_PAGE = 1000


@dataclass(frozen=True)
class HistoryEntry:
    position: int
    aggregate_id: UUID
    aggregate: str  # customer, interaction, case
    version: int
    type: str
    occurred_at: datetime
    actor: str
    channel: str | None  # the interaction's channel; None for other aggregates
    changes: dict[str, FieldChange]


@dataclass(frozen=True)
class HistoryPage:
    entries: list[HistoryEntry]
    next_cursor: int | None  # None: this was the last page


class AuditHistory:
    def __init__(self, replay: AuditReplay) -> None:
        self.replay = replay
        self.app = replay.app
        self.recorder = replay.recorder

    def aggregates_of(self, customer_id: UUID) -> list[UUID]:
        """The customer and every aggregate that held its data; NotFound for no customer."""
        if not self.replay.is_a(Customer, customer_id):
            raise NotFound("customer", customer_id)
        return [customer_id, *self.recorder.aggregates_of_customer(customer_id)]

    def page(self, customer_id: UUID, cursor: int = 0, limit: int = 100) -> HistoryPage:
        if not 1 <= limit <= MAX_PAGE:
            raise ValueError(f"limit must be 1 to {MAX_PAGE}")
        found = self.recorder.notifications_of(self.aggregates_of(customer_id), cursor, limit + 1)
        page = found[:limit]
        if isinstance(self.app.mapper, PersonalDataMapper):
            self.app.mapper.prefetch_keys(page)
        states: dict[UUID, Aggregate | None] = {}
        entries = []
        for notification in page:
            aggregate_id = UUID(str(notification.originator_id))
            if aggregate_id not in states:
                states[aggregate_id] = self._before(aggregate_id, notification.originator_version)
            before = states[aggregate_id]
            before_fields = state_fields(before)
            event = self.app.mapper.to_domain_event(notification)
            after: Aggregate | None = project_aggregate(before, [event])
            assert isinstance(after, Aggregate)
            assert isinstance(event, SwitchboardAggregate.Event)
            states[aggregate_id] = after
            entries.append(HistoryEntry(
                position=notification.id, aggregate_id=aggregate_id,
                aggregate=type(after).__name__.lower(), version=notification.originator_version,
                type=event_type_name(type(event)), occurred_at=event.occurred_at, actor=event.actor,
                channel=after.channel.value if isinstance(after, Interaction) else None,
                changes=changed_fields(before_fields, state_fields(after))))
        more = len(found) > limit
        return HistoryPage(entries, page[-1].id if more and page else None)

    def _before(self, aggregate_id: UUID, version: int) -> Aggregate | None:
        if version == 1:
            return None
        before: Any = self.app.repository.get(aggregate_id, version=version - 1)
        assert isinstance(before, Aggregate)
        return before
