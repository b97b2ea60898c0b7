"""Case state, its guard, and the commands of working a case: assignment,
escalation, first response and notes.

Part of :class:`domain.case.Case`, which binds the ``_on_*`` appliers.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.case_values import CaseKind, CaseStatus, Priority
from domain.errors import AlreadyPresent, InvalidTransition, InvalidValue
from domain.sla import SlaPolicy
from domain.validation import require_text

_S = CaseStatus


class CaseHandling:
    kind: CaseKind
    category: str
    priority: Priority
    summary: str
    customer_id: UUID
    origin_interaction_id: UUID | None
    sla: SlaPolicy
    opened_at: datetime
    status: CaseStatus
    assignee: UUID | None
    escalation_level: int
    first_responded_at: datetime | None
    resolved_at: datetime | None
    resolution_code: str | None
    first_contact_resolution: bool | None
    closed_at: datetime | None
    satisfaction_score: int | None
    reopen_count: int
    notes: list[str]

    def assign(self, agent_id: UUID, *, actor: str, occurred_at: datetime) -> None:
        """Give the case to an agent; a closed case cannot be assigned."""
        self._require_status(_S.OPEN, _S.PENDING, _S.RESOLVED)
        if agent_id == self.assignee:
            raise AlreadyPresent("case is already assigned to this agent", field="agent_id")
        self._on_assigned(
            agent_id=agent_id,
            previous_agent_id=self.assignee,
            actor=actor,
            occurred_at=occurred_at,
        )

    def _on_assigned(
        self,
        *,
        agent_id: UUID,
        previous_agent_id: UUID | None,
        actor: str,
        occurred_at: datetime,
    ) -> None:
        self.assignee = agent_id

    def escalate(self, level: int, reason: str, *, actor: str, occurred_at: datetime) -> None:
        """Raise the escalation level (1 = first level above normal handling)."""
        self._require_status(_S.OPEN, _S.PENDING)
        if isinstance(level, bool) or level < 1:
            raise InvalidValue("escalation level must be 1 or more", field="level")
        if level <= self.escalation_level:
            raise InvalidTransition(
                f"case is already at escalation level {self.escalation_level}",
                field="level",
            )
        self._on_escalated(
            level=level,
            reason=require_text(reason, "reason"),
            actor=actor,
            occurred_at=occurred_at,
        )

    def _on_escalated(self, *, level: int, reason: str, actor: str, occurred_at: datetime) -> None:
        self.escalation_level = level

    def record_first_response(
        self,
        interaction_id: UUID | None = None,
        *,
        actor: str,
        occurred_at: datetime,
    ) -> None:
        """Stop the first-response clock; only the first response counts."""
        if self.first_responded_at is not None:
            raise InvalidTransition("first response already recorded", field="status")
        self._on_first_response_recorded(
            interaction_id=interaction_id, actor=actor, occurred_at=occurred_at
        )

    def _on_first_response_recorded(
        self, *, interaction_id: UUID | None, actor: str, occurred_at: datetime
    ) -> None:
        self.first_responded_at = occurred_at

    def add_note(self, note: str, *, actor: str, occurred_at: datetime) -> None:
        self._on_note_added(note=require_text(note, "note"), actor=actor, occurred_at=occurred_at)

    def _on_note_added(self, *, note: str, actor: str, occurred_at: datetime) -> None:
        self.notes.append(note)

    def _require_status(self, *allowed: CaseStatus) -> None:
        if self.status not in allowed:
            raise InvalidTransition(f"case is {self.status}", field="status")
