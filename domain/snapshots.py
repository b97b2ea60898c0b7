"""Snapshots whose state survives the JSON transcoder unchanged.

Aggregate state holds enums, frozen value objects, dates, tuples and dicts
with tuple keys; plain JSON would hand back strings, lists and errors.  The
snapshot therefore tags those values in one-key dicts (``{"__enum__": ...}``)
and restores them on load.  UUIDs and datetimes are left to the transcoder.
The snapshot's timestamp is the aggregate's last modification, not the clock.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from enum import Enum
from typing import Any, Self
from uuid import UUID

from eventsourcing.domain import BaseAggregate, MutableOrImmutableAggregate, Snapshot
from eventsourcing.utils import get_topic, resolve_topic

_LIBRARY_KEYS = ("_id", "_version", "_pending_events")


class SwitchboardSnapshot(Snapshot):
    class_version = 1

    @classmethod
    def take(cls, aggregate: MutableOrImmutableAggregate[UUID]) -> Self:
        assert isinstance(aggregate, BaseAggregate)
        state = {k: encode(v) for k, v in vars(aggregate).items() if k not in _LIBRARY_KEYS}
        return cls(
            originator_id=aggregate.id,
            originator_version=aggregate.version,
            timestamp=aggregate.modified_on,
            topic=get_topic(type(aggregate)),
            state=state,
        )

    def mutate(self, _: None) -> BaseAggregate[UUID]:
        aggregate = super().mutate(None)
        stored = vars(aggregate)
        # Same attribute order as a replayed aggregate, so reprs compare equal.
        state = {"_id": aggregate.id, "_version": aggregate.version}
        state |= {k: decode(v) for k, v in stored.items() if k not in _LIBRARY_KEYS}
        state["_pending_events"] = []
        object.__setattr__(aggregate, "__dict__", state)
        return aggregate


def encode(value: Any) -> Any:
    """A JSON-native (plus UUID and datetime) form of ``value``."""
    if isinstance(value, Enum):
        return {"__enum__": [get_topic(type(value)), value.value]}
    if isinstance(value, date) and not isinstance(value, datetime):
        return {"__date__": value.isoformat()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"__dataclass__": [get_topic(type(value)), fields]}
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {"__dict__": [[encode(k), encode(v)] for k, v in value.items()]}
    return value


def decode(value: Any) -> Any:
    """Inverse of :func:`encode`."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict) or len(value) != 1:
        return value
    ((tag, data),) = value.items()
    if tag == "__enum__":
        return _domain_type(data[0])(data[1])
    if tag == "__date__":
        return date.fromisoformat(data)
    if tag == "__dataclass__":
        return _domain_type(data[0])(**{k: decode(v) for k, v in data[1].items()})
    if tag == "__tuple__":
        return tuple(decode(v) for v in data)
    if tag == "__dict__":
        return {decode(k): decode(v) for k, v in data}
    return value


def _domain_type(topic: str) -> Any:
    # Stored data names the type; only our own domain types may be built from it.
    if not topic.startswith("domain."):
        raise ValueError(f"snapshot names a foreign type: {topic}")
    return resolve_topic(topic)
