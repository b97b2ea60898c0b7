"""Outcomes of a call that was never answered.

Part of :class:`domain.interaction.Interaction`, which binds the ``_on_*``
appliers.  Each carries ``wait_seconds``: ring to outcome.
"""

from __future__ import annotations

from datetime import datetime

from domain.interaction_record import InteractionRecord
from domain.interaction_values import InteractionStatus
from domain.validation import require_text, require_utc, seconds_between

_S = InteractionStatus


class UnansweredOutcomes(InteractionRecord):
    def miss(self, *, actor: str, occurred_at: datetime) -> None:
        """Nobody picked up before the ring timed out."""
        self._on_call_missed(
            wait_seconds=self._ring_time(occurred_at), actor=actor, occurred_at=occurred_at
        )

    def _on_call_missed(self, *, wait_seconds: float, actor: str, occurred_at: datetime) -> None:
        self._finish(_S.MISSED, wait_seconds, occurred_at)

    def abandon(self, *, actor: str, occurred_at: datetime) -> None:
        """The caller hung up while waiting."""
        self._on_call_abandoned(
            wait_seconds=self._ring_time(occurred_at), actor=actor, occurred_at=occurred_at
        )

    def _on_call_abandoned(self, *, wait_seconds: float, actor: str, occurred_at: datetime) -> None:
        self._finish(_S.ABANDONED, wait_seconds, occurred_at)

    def end_busy(self, *, actor: str, occurred_at: datetime) -> None:
        """The called party was busy."""
        self._on_call_ended_busy(
            wait_seconds=self._ring_time(occurred_at), actor=actor, occurred_at=occurred_at
        )

    def _on_call_ended_busy(
        self, *, wait_seconds: float, actor: str, occurred_at: datetime
    ) -> None:
        self._finish(_S.BUSY, wait_seconds, occurred_at)

    def leave_voicemail(
        self, recording_reference: str, *, actor: str, occurred_at: datetime
    ) -> None:
        self._on_voicemail_left(
            recording_reference=require_text(recording_reference, "recording_reference"),
            wait_seconds=self._ring_time(occurred_at),
            actor=actor,
            occurred_at=occurred_at,
        )

    def _on_voicemail_left(
        self,
        *,
        recording_reference: str,
        wait_seconds: float,
        actor: str,
        occurred_at: datetime,
    ) -> None:
        self._finish(_S.VOICEMAIL, wait_seconds, occurred_at)
        self.recording_references.append(recording_reference)

    def forward(self, forwarded_to: str, *, actor: str, occurred_at: datetime) -> None:
        """The telephony system forwarded the ringing call elsewhere."""
        self._on_call_forwarded(
            forwarded_to=require_text(forwarded_to, "forwarded_to"),
            wait_seconds=self._ring_time(occurred_at),
            actor=actor,
            occurred_at=occurred_at,
        )

    def _on_call_forwarded(
        self, *, forwarded_to: str, wait_seconds: float, actor: str, occurred_at: datetime
    ) -> None:
        self._finish(_S.FORWARDED, wait_seconds, occurred_at)
        self.forwarded_to = forwarded_to

    def _ring_time(self, occurred_at: datetime) -> float:
        self._require_call(_S.RINGING)
        return seconds_between(self.started_at, require_utc(occurred_at))

    def _finish(
        self, status: InteractionStatus, wait_seconds: float, occurred_at: datetime
    ) -> None:
        self._status = status
        self.wait_seconds = wait_seconds
        self.ended_at = occurred_at
