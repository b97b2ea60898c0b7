"""Events of the Interaction aggregate (payloads only).

Durations are seconds (float).  ``wait_seconds`` runs from ring to answer (or
to the unanswered outcome), ``talk_seconds`` from answer to end including
holds, ``hold_seconds`` totals the holds.
"""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from domain.events import SwitchboardAggregate

_ADDRESSES = frozenset({"from_address", "to_address"})


class CallRang(SwitchboardAggregate.Created):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = _ADDRESSES
    direction: str
    from_address: str | None
    to_address: str | None
    queue: str | None
    agent_id: UUID | None


class Logged(SwitchboardAggregate.Created):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = _ADDRESSES | {"subject", "body"}
    channel: str
    direction: str
    from_address: str | None
    to_address: str | None
    subject: str | None
    body: str | None
    queue: str | None
    agent_id: UUID | None


class CallAnswered(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    agent_id: UUID
    wait_seconds: float


class CallHeld(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()


class CallResumed(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    held_seconds: float


class CallTransferred(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    from_agent_id: UUID | None
    to_agent_id: UUID
    held_seconds: float


class CallEnded(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    wait_seconds: float
    talk_seconds: float
    hold_seconds: float


class CallMissed(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    wait_seconds: float


class CallAbandoned(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    wait_seconds: float


class CallEndedBusy(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    wait_seconds: float


class VoicemailLeft(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset({"recording_reference"})
    recording_reference: str
    wait_seconds: float


class CallForwarded(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset({"forwarded_to"})
    forwarded_to: str
    wait_seconds: float


class CustomerLinked(SwitchboardAggregate.Event):
    """``customer_id`` (from the base) is the newly linked customer."""

    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    previous_customer_id: UUID | None


class NoteAdded(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset({"note"})
    note: str


class WrapUpRecorded(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset({"notes"})
    code: str
    notes: str | None


class RecordingAttached(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset({"reference"})
    reference: str


class Closed(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
