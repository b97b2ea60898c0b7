"""Status changes of a case and its satisfaction score.

Part of :class:`domain.case.Case`, which binds the ``_on_*`` appliers.
"""

from __future__ import annotations

from datetime import datetime

from domain.case_handling import CaseHandling
from domain.case_values import CaseStatus
from domain.errors import InvalidTransition, InvalidValue
from domain.validation import require_text

_S = CaseStatus


class CaseLifecycle(CaseHandling):
    def mark_pending(self, reason: str, *, actor: str, occurred_at: datetime) -> None:
        """Wait on the customer or a third party."""
        self._require_status(_S.OPEN)
        self._on_marked_pending(
            reason=require_text(reason, "reason"), actor=actor, occurred_at=occurred_at
        )

    def _on_marked_pending(self, *, reason: str, actor: str, occurred_at: datetime) -> None:
        self.status = _S.PENDING

    def resume(self, *, actor: str, occurred_at: datetime) -> None:
        """Back to work on a pending case."""
        self._require_status(_S.PENDING)
        self._on_resumed(actor=actor, occurred_at=occurred_at)

    def _on_resumed(self, *, actor: str, occurred_at: datetime) -> None:
        self.status = _S.OPEN

    def resolve(
        self,
        resolution_code: str,
        first_contact_resolution: bool,
        *,
        actor: str,
        occurred_at: datetime,
    ) -> None:
        self._require_status(_S.OPEN, _S.PENDING)
        self._on_resolved(
            resolution_code=require_text(resolution_code, "resolution_code"),
            first_contact_resolution=first_contact_resolution,
            actor=actor,
            occurred_at=occurred_at,
        )

    def _on_resolved(
        self,
        *,
        resolution_code: str,
        first_contact_resolution: bool,
        actor: str,
        occurred_at: datetime,
    ) -> None:
        self.status = _S.RESOLVED
        self.resolved_at = occurred_at
        self.resolution_code = resolution_code
        self.first_contact_resolution = first_contact_resolution

    def close(self, *, actor: str, occurred_at: datetime) -> None:
        self._require_status(_S.RESOLVED)
        self._on_closed(actor=actor, occurred_at=occurred_at)

    def _on_closed(self, *, actor: str, occurred_at: datetime) -> None:
        self.status = _S.CLOSED
        self.closed_at = occurred_at

    def reopen(self, reason: str, *, actor: str, occurred_at: datetime) -> None:
        """Back to open; the resolution and its satisfaction score are cleared."""
        self._require_status(_S.RESOLVED, _S.CLOSED)
        self._on_reopened(
            reason=require_text(reason, "reason"), actor=actor, occurred_at=occurred_at
        )

    def _on_reopened(self, *, reason: str, actor: str, occurred_at: datetime) -> None:
        self.status = _S.OPEN
        self.reopen_count += 1
        self.resolved_at = self.closed_at = None
        self.resolution_code = self.first_contact_resolution = None
        self.satisfaction_score = None

    def record_satisfaction(self, score: int, *, actor: str, occurred_at: datetime) -> None:
        """CSAT 1..5, once per resolution (a reopened case may be scored again)."""
        self._require_status(_S.RESOLVED, _S.CLOSED)
        if isinstance(score, bool) or not 1 <= score <= 5:
            raise InvalidValue("satisfaction score must be 1 to 5", field="score")
        if self.satisfaction_score is not None:
            raise InvalidTransition("satisfaction already recorded", field="score")
        self._on_satisfaction_recorded(score=score, actor=actor, occurred_at=occurred_at)

    def _on_satisfaction_recorded(self, *, score: int, actor: str, occurred_at: datetime) -> None:
        self.satisfaction_score = score
