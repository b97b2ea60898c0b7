"""Interaction state, its guards, and the commands every channel shares.

Part of :class:`domain.interaction.Interaction`, which binds the ``_on_*``
appliers to their event classes; see :mod:`domain.events` for the pattern.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.errors import AlreadyPresent, InvalidTransition
from domain.interaction_values import Channel, Direction, InteractionStatus
from domain.validation import optional_text, require_text

_S = InteractionStatus


class InteractionRecord:
    channel: Channel
    direction: Direction
    _status: InteractionStatus
    customer_id: UUID | None
    from_address: str | None
    to_address: str | None
    subject: str | None
    body: str | None
    queue: str | None
    agent_id: UUID | None
    started_at: datetime
    answered_at: datetime | None
    held_since: datetime | None
    ended_at: datetime | None
    wait_seconds: float | None
    talk_seconds: float | None
    hold_seconds: float
    forwarded_to: str | None
    recording_references: list[str]
    wrap_up_code: str | None
    wrap_up_notes: str | None
    notes: list[str]

    @property
    def status(self) -> InteractionStatus:
        return self._status

    @property
    def is_finished(self) -> bool:
        return self._status.is_finished

    def link_customer(self, customer_id: UUID, *, actor: str, occurred_at: datetime) -> None:
        """Link (or relink) the customer; allowed even after the interaction ended."""
        if customer_id == self.customer_id:
            raise AlreadyPresent("already linked to this customer", field="customer_id")
        self._on_customer_linked(
            customer_id=customer_id,
            previous_customer_id=self.customer_id,
            actor=actor,
            occurred_at=occurred_at,
        )

    def _on_customer_linked(
        self,
        *,
        customer_id: UUID,
        previous_customer_id: UUID | None,
        actor: str,
        occurred_at: datetime,
    ) -> None:
        self.customer_id = customer_id

    def add_note(self, note: str, *, actor: str, occurred_at: datetime) -> None:
        self._on_note_added(note=require_text(note, "note"), actor=actor, occurred_at=occurred_at)

    def _on_note_added(self, *, note: str, actor: str, occurred_at: datetime) -> None:
        self.notes.append(note)

    def record_wrap_up(
        self,
        code: str,
        notes: str | None = None,
        *,
        actor: str,
        occurred_at: datetime,
    ) -> None:
        """Record the disposition; a later wrap-up corrects an earlier one."""
        if self._status is _S.RINGING:
            raise InvalidTransition("a ringing call has nothing to wrap up", field="status")
        self._on_wrap_up_recorded(
            code=require_text(code, "code"),
            notes=optional_text(notes, "notes"),
            actor=actor,
            occurred_at=occurred_at,
        )

    def _on_wrap_up_recorded(
        self, *, code: str, notes: str | None, actor: str, occurred_at: datetime
    ) -> None:
        self.wrap_up_code = code
        self.wrap_up_notes = notes

    def attach_recording(self, reference: str, *, actor: str, occurred_at: datetime) -> None:
        """Attach a call recording; recordings often arrive after the call ended."""
        self._require_call(_S.ANSWERED, _S.ON_HOLD, _S.ENDED, _S.VOICEMAIL)
        reference = require_text(reference, "reference")
        if reference in self.recording_references:
            raise AlreadyPresent("recording already attached", field="reference")
        self._on_recording_attached(reference=reference, actor=actor, occurred_at=occurred_at)

    def _on_recording_attached(self, *, reference: str, actor: str, occurred_at: datetime) -> None:
        self.recording_references.append(reference)

    def close(self, *, actor: str, occurred_at: datetime) -> None:
        """Close a non-call interaction (calls finish through their outcome)."""
        if self.channel is Channel.CALL:
            raise InvalidTransition("calls finish by ending", field="channel")
        if self._status is not _S.OPEN:
            raise InvalidTransition("interaction is already closed", field="status")
        self._on_closed(actor=actor, occurred_at=occurred_at)

    def _on_closed(self, *, actor: str, occurred_at: datetime) -> None:
        self._status = _S.CLOSED
        self.ended_at = occurred_at

    def _require_call(self, *allowed: InteractionStatus) -> None:
        if self.channel is not Channel.CALL:
            raise InvalidTransition(
                f"{self.channel} interactions have no call lifecycle", field="channel"
            )
        if self._status not in allowed:
            raise InvalidTransition(f"call is {self._status}", field="status")
