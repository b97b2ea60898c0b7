"""Events of the AccessLog aggregate (payloads only).

They hold ids and the query asked, never personal data: the log must outlive an erasure
and stay readable to show who looked at an erased customer.
"""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from domain.events import SwitchboardAggregate


class Opened(SwitchboardAggregate.Created):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    subject_id: UUID | None


class RecordViewed(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    viewer: str
    what: str
    subject_id: UUID | None
    query: dict[str, str]
