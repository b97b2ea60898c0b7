"""Interaction aggregate: one contact with a customer on one channel.

Creation (a call starts ringing; every other channel is logged with content)::

    Interaction.ring(id=UUID, direction=Direction, from_address=str | None,
                     to_address=str | None, queue=None, agent_id=None,
                     customer_id=None, actor=str, occurred_at=datetime)
    Interaction.log(id=UUID, channel=Channel, direction=Direction,
                    from_address=None, to_address=None, subject=None, body=None,
                    queue=None, agent_id=None, customer_id=None,
                    actor=str, occurred_at=datetime)

``from_address`` is ``None`` for a withheld number; ``customer_id`` is ``None``
for an unknown caller until ``link_customer``.  Commands live in the parts
:class:`~domain.interaction_record.InteractionRecord` (all channels),
:class:`~domain.interaction_call.CallHandling` (connected calls) and
:class:`~domain.interaction_outcomes.UnansweredOutcomes`; a finished call
takes only notes, wrap-up, recordings and links.
"""

from __future__ import annotations

from datetime import datetime
from typing import Self
from uuid import UUID

from eventsourcing.domain import event

from domain import interaction_events as ev
from domain.errors import InvalidValue
from domain.events import SwitchboardAggregate
from domain.interaction_call import CallHandling
from domain.interaction_outcomes import UnansweredOutcomes
from domain.interaction_record import InteractionRecord
from domain.interaction_values import Channel, Direction, InteractionStatus
from domain.validation import optional_text

_Rec, _Call, _Out = InteractionRecord, CallHandling, UnansweredOutcomes


class Interaction(CallHandling, UnansweredOutcomes, SwitchboardAggregate):
    class_version = 1

    CallRang = ev.CallRang
    Logged = ev.Logged
    CallAnswered = ev.CallAnswered
    _on_call_answered = event(CallAnswered)(_Call._on_call_answered)
    CallHeld = ev.CallHeld
    _on_call_held = event(CallHeld)(_Call._on_call_held)
    CallResumed = ev.CallResumed
    _on_call_resumed = event(CallResumed)(_Call._on_call_resumed)
    CallTransferred = ev.CallTransferred
    _on_call_transferred = event(CallTransferred)(_Call._on_call_transferred)
    CallEnded = ev.CallEnded
    _on_call_ended = event(CallEnded)(_Call._on_call_ended)
    CallMissed = ev.CallMissed
    _on_call_missed = event(CallMissed)(_Out._on_call_missed)
    CallAbandoned = ev.CallAbandoned
    _on_call_abandoned = event(CallAbandoned)(_Out._on_call_abandoned)
    CallEndedBusy = ev.CallEndedBusy
    _on_call_ended_busy = event(CallEndedBusy)(_Out._on_call_ended_busy)
    VoicemailLeft = ev.VoicemailLeft
    _on_voicemail_left = event(VoicemailLeft)(_Out._on_voicemail_left)
    CallForwarded = ev.CallForwarded
    _on_call_forwarded = event(CallForwarded)(_Out._on_call_forwarded)
    CustomerLinked = ev.CustomerLinked
    _on_customer_linked = event(CustomerLinked)(_Rec._on_customer_linked)
    NoteAdded = ev.NoteAdded
    _on_note_added = event(NoteAdded)(_Rec._on_note_added)
    WrapUpRecorded = ev.WrapUpRecorded
    _on_wrap_up_recorded = event(WrapUpRecorded)(_Rec._on_wrap_up_recorded)
    RecordingAttached = ev.RecordingAttached
    _on_recording_attached = event(RecordingAttached)(_Rec._on_recording_attached)
    Closed = ev.Closed
    _on_closed = event(Closed)(_Rec._on_closed)

    @classmethod
    def ring(
        cls,
        *,
        id: UUID,
        direction: Direction,
        from_address: str | None,
        to_address: str | None,
        queue: str | None = None,
        agent_id: UUID | None = None,
        customer_id: UUID | None = None,
        actor: str,
        occurred_at: datetime,
    ) -> Self:
        """A call starts ringing (inbound: at us; outbound: at the customer)."""
        return cls._create_with(
            cls.CallRang,
            id=id,
            customer_id=customer_id,
            actor=actor,
            occurred_at=occurred_at,
            direction=direction.value,
            **_routing(from_address, to_address, queue, agent_id),
        )

    @classmethod
    def log(
        cls,
        *,
        id: UUID,
        channel: Channel,
        direction: Direction,
        from_address: str | None = None,
        to_address: str | None = None,
        subject: str | None = None,
        body: str | None = None,
        queue: str | None = None,
        agent_id: UUID | None = None,
        customer_id: UUID | None = None,
        actor: str,
        occurred_at: datetime,
    ) -> Self:
        """A message, chat, letter or visit, recorded with its content."""
        if channel is Channel.CALL:
            raise InvalidValue("calls start with ring(), not log()", field="channel")
        return cls._create_with(
            cls.Logged,
            id=id,
            customer_id=customer_id,
            actor=actor,
            occurred_at=occurred_at,
            channel=channel.value,
            direction=direction.value,
            subject=optional_text(subject, "subject"),
            body=body,
            **_routing(from_address, to_address, queue, agent_id),
        )

    def __init__(
        self,
        *,
        direction: str,
        from_address: str | None,
        to_address: str | None,
        queue: str | None,
        agent_id: UUID | None,
        customer_id: UUID | None,
        occurred_at: datetime,
        channel: str = Channel.CALL.value,
        subject: str | None = None,
        body: str | None = None,
    ) -> None:
        # Applies both creation events: CallRang lacks channel, subject and body.
        self.channel = Channel(channel)
        self.direction = Direction(direction)
        is_call = self.channel is Channel.CALL
        self._status = InteractionStatus.RINGING if is_call else InteractionStatus.OPEN
        self.customer_id = customer_id
        self.from_address, self.to_address = from_address, to_address
        self.subject, self.body = subject, body
        self.queue, self.agent_id = queue, agent_id
        self.started_at = occurred_at
        self.answered_at = self.held_since = self.ended_at = None
        self.wait_seconds = self.talk_seconds = None
        self.hold_seconds = 0.0
        self.forwarded_to = self.wrap_up_code = self.wrap_up_notes = None
        self.recording_references = []
        self.notes = []

    def _data_subject(self) -> UUID | None:
        return self.customer_id


def _routing(
    from_address: str | None,
    to_address: str | None,
    queue: str | None,
    agent_id: UUID | None,
) -> dict[str, object]:
    return {
        "from_address": optional_text(from_address, "from_address"),
        "to_address": optional_text(to_address, "to_address"),
        "queue": optional_text(queue, "queue"),
        "agent_id": agent_id,
    }
