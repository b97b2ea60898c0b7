"""Case aggregate: a service request or a complaint, with its SLA.

Creation::

    Case.open(id=UUID, kind=CaseKind, category=str, priority=Priority,
              summary=str, customer_id=UUID, sla=SlaPolicy,
              origin_interaction_id=UUID | None = None,
              actor=str, occurred_at=datetime) -> Case

Commands live in :class:`~domain.case_handling.CaseHandling` (assign,
escalate, first response, notes) and
:class:`~domain.case_lifecycle.CaseLifecycle` (pending, resolve, close,
reopen, satisfaction).  Deadlines count from ``occurred_at`` of the opening.
"""

from __future__ import annotations

from datetime import datetime
from typing import Self
from uuid import UUID

from eventsourcing.domain import event

from domain import case_events as ev
from domain.case_handling import CaseHandling
from domain.case_lifecycle import CaseLifecycle
from domain.case_values import CaseKind, CaseStatus, Priority
from domain.events import SwitchboardAggregate
from domain.sla import CaseSla, SlaPolicy, SlaState, deadline_state
from domain.validation import require_text, require_utc

_Work, _Life = CaseHandling, CaseLifecycle


class Case(CaseLifecycle, SwitchboardAggregate):
    class_version = 1

    Opened = ev.Opened
    MarkedPending = ev.MarkedPending
    _on_marked_pending = event(MarkedPending)(_Life._on_marked_pending)
    Resumed = ev.Resumed
    _on_resumed = event(Resumed)(_Life._on_resumed)
    Assigned = ev.Assigned
    _on_assigned = event(Assigned)(_Work._on_assigned)
    Escalated = ev.Escalated
    _on_escalated = event(Escalated)(_Work._on_escalated)
    FirstResponseRecorded = ev.FirstResponseRecorded
    _on_first_response_recorded = event(FirstResponseRecorded)(_Work._on_first_response_recorded)
    Resolved = ev.Resolved
    _on_resolved = event(Resolved)(_Life._on_resolved)
    Closed = ev.Closed
    _on_closed = event(Closed)(_Life._on_closed)
    Reopened = ev.Reopened
    _on_reopened = event(Reopened)(_Life._on_reopened)
    SatisfactionRecorded = ev.SatisfactionRecorded
    _on_satisfaction_recorded = event(SatisfactionRecorded)(_Life._on_satisfaction_recorded)
    NoteAdded = ev.NoteAdded
    _on_note_added = event(NoteAdded)(_Work._on_note_added)

    @classmethod
    def open(
        cls,
        *,
        id: UUID,
        kind: CaseKind,
        category: str,
        priority: Priority,
        summary: str,
        customer_id: UUID,
        sla: SlaPolicy,
        origin_interaction_id: UUID | None = None,
        actor: str,
        occurred_at: datetime,
    ) -> Self:
        sla = sla.checked()
        return cls._create_with(
            cls.Opened,
            id=id,
            customer_id=customer_id,
            actor=actor,
            occurred_at=occurred_at,
            kind=kind.value,
            category=require_text(category, "category"),
            priority=priority.value,
            summary=require_text(summary, "summary"),
            first_response_minutes=sla.first_response_minutes,
            resolution_minutes=sla.resolution_minutes,
            origin_interaction_id=origin_interaction_id,
        )

    @event(Opened)
    def __init__(
        self,
        *,
        kind: str,
        category: str,
        priority: str,
        summary: str,
        customer_id: UUID,
        first_response_minutes: int,
        resolution_minutes: int,
        origin_interaction_id: UUID | None,
        occurred_at: datetime,
    ) -> None:
        self.kind = CaseKind(kind)
        self.category, self.priority = category, Priority(priority)
        self.summary = summary
        self.customer_id = customer_id
        self.origin_interaction_id = origin_interaction_id
        self.sla = SlaPolicy(first_response_minutes, resolution_minutes)
        self.opened_at = occurred_at
        self.status = CaseStatus.OPEN
        self.assignee = None
        self.escalation_level = 0
        self.first_responded_at = self.resolved_at = self.closed_at = None
        self.resolution_code = self.first_contact_resolution = None
        self.satisfaction_score = None
        self.reopen_count = 0
        self.notes = []

    def _data_subject(self) -> UUID | None:
        return self.customer_id

    @property
    def first_response_due(self) -> datetime:
        return self.sla.first_response_due(self.opened_at)

    @property
    def resolution_due(self) -> datetime:
        return self.sla.resolution_due(self.opened_at)

    def response_sla_state(self, now: datetime) -> SlaState:
        """A resolution without a recorded first response counts as the response."""
        done_at = self.first_responded_at or self.resolved_at
        return deadline_state(
            self.opened_at, self.first_response_due, done_at, require_utc(now, "now")
        )

    def resolution_sla_state(self, now: datetime) -> SlaState:
        return deadline_state(
            self.opened_at, self.resolution_due, self.resolved_at, require_utc(now, "now")
        )

    def sla_state(self, now: datetime) -> CaseSla:
        return CaseSla(self.response_sla_state(now), self.resolution_sla_state(now))
