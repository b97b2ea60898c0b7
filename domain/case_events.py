"""Events of the Case aggregate (payloads only).

The SLA policy travels as its two minute counts, so payloads stay JSON-native.
"""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from domain.events import SwitchboardAggregate


class Opened(SwitchboardAggregate.Created):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset({"summary"})
    kind: str
    category: str
    priority: str
    summary: str
    first_response_minutes: int
    resolution_minutes: int
    origin_interaction_id: UUID | None


class MarkedPending(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset({"reason"})
    reason: str


class Resumed(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()


class Assigned(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    agent_id: UUID
    previous_agent_id: UUID | None


class Escalated(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset({"reason"})
    level: int
    reason: str


class FirstResponseRecorded(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    interaction_id: UUID | None


class Resolved(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    resolution_code: str
    first_contact_resolution: bool


class Closed(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()


class Reopened(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset({"reason"})
    reason: str


class SatisfactionRecorded(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    score: int


class NoteAdded(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset({"note"})
    note: str
