"""An aggregate as it stood at an instant or a version, rebuilt from the event store.

An instant selects the longest run of the aggregate's events, in version order, that had
occurred by then (``occurred_at <= as_of``): the state a reader would have seen at that
moment. Events of one command share their time, so an instant never splits a command.
Times are read from the stored events through the transcoder alone, nothing is decrypted
for that; the state itself is rebuilt (from a snapshot when one lies before the version)
and decrypted by the application's mapper, erased fields reading as erased.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.utils import resolve_topic

from adapters.event_store import SwitchboardRecorder
from contact_center.application import SwitchboardApplication
from contact_center.errors import NotFound

A = TypeVar("A", bound=Aggregate)


@dataclass(frozen=True)
class PointInTime:
    """Exactly one of an instant (timezone-aware) or a version (from 1)."""

    as_of: datetime | None = None
    version: int | None = None

    def __post_init__(self) -> None:
        if (self.as_of is None) == (self.version is None):
            raise ValueError("give exactly one of as_of and version")
        if self.as_of is not None and self.as_of.utcoffset() is None:
            raise ValueError("as_of needs a time zone")
        if self.version is not None and self.version < 1:
            raise ValueError("versions start at 1")

    def query(self) -> dict[str, str]:
        """The point as query parameters, for the access log."""
        if self.as_of is not None:
            return {"as_of": self.as_of.isoformat()}
        return {"version": str(self.version)}


@dataclass(frozen=True)
class Replayed(Generic[A]):
    aggregate: A
    version: int
    as_of: datetime  # the instant asked for, or when the version asked for was recorded


class AuditReplay:
    def __init__(self, app: SwitchboardApplication) -> None:
        self.app = app
        recorder = app.recorder
        assert isinstance(recorder, SwitchboardRecorder)
        self.recorder = recorder

    def is_a(self, kind: type[Aggregate], aggregate_id: UUID) -> bool:
        """Whether an aggregate of ``kind`` with this id was ever stored (by its first event)."""
        first = self.recorder.select_events(aggregate_id, limit=1)
        return bool(first) and issubclass(resolve_topic(first[0].topic), kind.Event)

    def event_times(self, aggregate_id: UUID) -> list[datetime]:
        """When each version of the aggregate occurred (index 0 is version 1)."""
        decode = self.app.mapper.transcoder.decode
        return [decode(stored.state)["occurred_at"] for stored in self.recorder.select_events(aggregate_id)]

    def state_at(self, kind: type[A], aggregate_id: UUID, point: PointInTime) -> Replayed[A]:
        name = kind.__name__.lower()
        if not self.is_a(kind, aggregate_id):
            raise NotFound(name, aggregate_id)
        times = self.event_times(aggregate_id)
        if point.as_of is not None:
            version = next((i for i, t in enumerate(times) if t > point.as_of), len(times))
            if version == 0:
                raise NotFound(f"{name} as of {point.as_of.isoformat()}", aggregate_id)
            as_of = point.as_of
        else:
            assert point.version is not None
            version = point.version
            if version > len(times):
                raise NotFound(f"{name} version {version}", aggregate_id)
            as_of = times[version - 1]
        aggregate: Aggregate = self.app.repository.get(aggregate_id, version=version)
        assert isinstance(aggregate, kind)
        return Replayed(aggregate, version, as_of)
