"""One stored event (a notification of the log) as one CloudEvents 1.0 structured JSON record.

The record is a pure function of the stored row, so a re-sent event is byte-for-byte the
same record with the same ``id``:

- ``id`` ``<aggregate id>:<version>``, ``subject`` the aggregate id, ``source`` configurable;
- ``type`` :func:`domain.events.event_type_name` of the stored class, with the version the
  row was *stored* with: the relay never upcasts (records on Kafka are immutable, so
  consumers meet every version anyway, and the domain's upcasters are their reference);
- ``time`` the event's ``occurred_at`` (RFC 3339, UTC, ``Z``);
- ``data`` the stored state as plain JSON (UUIDs as strings, datetimes as ISO 8601, decimals
  as strings). Two library-internal keys are left out: ``timestamp`` when it repeats
  ``occurred_at`` (the domain always sets both alike) and ``originator_topic`` (a Python
  import path, meaningless outside this code base);
- extensions ``customerid`` (the event's ``customer_id``, else the aggregate id — also the
  Kafka key), ``partitionkey`` (the same value, the Kafka binding's name for the key),
  ``sequence`` (the notification id, zero-padded to 20 digits because the CloudEvents
  ``sequence`` extension orders values as strings; read it as an integer) and ``actor``.

Personal fields are passed through exactly as decoded from storage: when they are stored
encrypted the record carries the same ciphertext envelope. The state is decoded with the
application's transcoder only, never through the mapper, so nothing is ever decrypted here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification, Transcoder
from eventsourcing.utils import resolve_topic

from domain.events import event_type_name

CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8"
SEQUENCE_DIGITS = 20


@dataclass(frozen=True)
class EventRecord:
    """What goes to the event log: Kafka key and value, and the notification id it carries."""

    key: bytes
    value: bytes
    sequence: int


def sequence_text(notification_id: int) -> str:
    return f"{notification_id:0{SEQUENCE_DIGITS}d}"


def rfc3339(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError(f"event time {moment!r} has no time zone")
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def json_value(value: Any) -> Any:
    """The JSON form of a value ``json`` cannot write itself (what the transcoder hands back)."""
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, date):  # datetimes too
        return value.isoformat()
    raise TypeError(f"cannot put a {type(value).__name__} into an event record")


def plain_json(value: Any) -> Any:
    """``value`` with every non-JSON type the transcoder can hand back made JSON-native."""
    return json.loads(json.dumps(value, default=json_value))


class CloudEventsEnvelope:
    def __init__(self, transcoder: Transcoder, source: str = "/switchboard") -> None:
        self.transcoder = transcoder
        self.source = source

    def attributes(self, notification: Notification) -> dict[str, Any]:
        """The CloudEvent as a JSON-native dict (structured mode)."""
        event: dict[str, Any] = plain_json(self._event(notification))
        return event

    def _event(self, notification: Notification, decoded: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The CloudEvent, its ``data`` still holding the transcoder's UUIDs and datetimes."""
        event_class = resolve_topic(notification.topic)
        state: dict[str, Any] = dict(self.transcoder.decode(notification.state) if decoded is None
                                     else decoded)
        stored_version = int(state.pop("class_version", 1))
        state.pop("originator_topic", None)
        occurred_at = state["occurred_at"]
        if state.get("timestamp") == occurred_at:
            del state["timestamp"]
        aggregate_id = str(notification.originator_id)
        customer = state.get("customer_id")
        customer_id = aggregate_id if customer is None else str(customer)
        type_name = event_type_name(event_class).rsplit(".v", 1)[0] + f".v{stored_version}"
        return {
            "specversion": "1.0",
            "id": f"{aggregate_id}:{notification.originator_version}",
            "source": self.source,
            "type": type_name,
            "subject": aggregate_id,
            "time": rfc3339(occurred_at),
            "datacontenttype": "application/json",
            "customerid": customer_id,
            "partitionkey": customer_id,
            "sequence": sequence_text(notification.id),
            "actor": str(state["actor"]),
            "data": state,
        }

    def record(self, notification: Notification, decoded: Mapping[str, Any] | None = None) -> EventRecord:
        """The record of ``notification``; ``decoded`` is its state when already decoded."""
        event = self._event(notification, decoded)
        value = json.dumps(event, ensure_ascii=False, separators=(",", ":"), default=json_value).encode()
        return EventRecord(key=event["customerid"].encode(), value=value, sequence=notification.id)
