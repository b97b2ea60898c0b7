"""One stored event → one CloudEvents record: a pure function of the stored row."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from cloudevents.core.bindings.kafka import KafkaMessage, from_structured_event
from eventsourcing.persistence import (
    DatetimeAsISO,
    JSONTranscoder,
    Mapper,
    Notification,
    UUIDAsHex,
)
from eventsourcing.utils import get_topic

from adapters.cloudevents_envelope import CONTENT_TYPE, CloudEventsEnvelope, plain_json, sequence_text
from domain import customer_events
from domain.customer import Customer
from domain.customer_details import CustomerDetails, CustomerKind

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
ENCRYPTED = {"encrypted": "aes-256-gcm", "subject": str(uuid4()), "type": "text", "ciphertext": "AAEC"}


class Later:
    class DetailsUpdated(customer_events.DetailsUpdated):
        """DetailsUpdated after a second version came out."""

        class_version = 2


def transcoder() -> JSONTranscoder:
    result = JSONTranscoder()
    result.register(UUIDAsHex())
    result.register(DatetimeAsISO())
    return result


def stored(notification_id: int = 7) -> tuple[Customer, list[Notification]]:
    customer = Customer.register(id=uuid4(), kind=CustomerKind.PERSON, details=CustomerDetails("Ada"),
                                 actor="agent:7", occurred_at=T0)
    customer.update_details(CustomerDetails("Ada L."), actor="agent:8", occurred_at=T0)
    mapper = Mapper[Any](transcoder=transcoder())
    events = [mapper.to_stored_event(e) for e in customer.collect_events()]
    return customer, [Notification(id=notification_id + i, originator_id=e.originator_id,
                                   originator_version=e.originator_version, topic=e.topic, state=e.state)
                      for i, e in enumerate(events)]


def test_attributes_follow_the_stored_row() -> None:
    customer, (registered, updated) = stored()
    event = CloudEventsEnvelope(transcoder(), source="/test").attributes(updated)
    assert event["id"] == f"{customer.id}:2"
    assert (event["type"], event["subject"], event["source"]) == (
        "switchboard.customer.details_updated.v1", str(customer.id), "/test")
    assert (event["time"], event["actor"], event["sequence"]) == (
        "2024-03-01T09:00:00Z", "agent:8", "00000000000000000008")
    assert event["customerid"] == event["partitionkey"] == str(customer.id)
    assert event["data"]["display_name"] == "Ada L."
    assert event["data"]["customer_id"] == str(customer.id)
    assert "timestamp" not in event["data"]  # it repeats occurred_at
    created = CloudEventsEnvelope(transcoder()).attributes(registered)["data"]
    assert "originator_topic" not in created
    assert created["occurred_at"] == "2024-03-01T09:00:00+00:00"


def test_record_is_deterministic_and_parses_as_a_cloudevent() -> None:
    customer, (_, updated) = stored()
    envelope = CloudEventsEnvelope(transcoder())
    record = envelope.record(updated)
    assert record == envelope.record(updated)
    assert (record.key, record.sequence) == (str(customer.id).encode(), 8)
    event = from_structured_event(KafkaMessage(headers={"content-type": CONTENT_TYPE.encode()},
                                               key=record.key, value=record.value))
    assert event.get_id() == f"{customer.id}:2"
    assert event.get_extension("customerid") == str(customer.id)
    assert event.get_time() == T0


def test_encrypted_personal_fields_pass_through_untouched() -> None:
    _, (_, updated) = stored()
    state = transcoder().decode(updated.state) | {"display_name": ENCRYPTED}
    sealed = dataclasses.replace(updated, state=transcoder().encode(state))
    data = CloudEventsEnvelope(transcoder()).attributes(sealed)["data"]
    assert data["display_name"] == ENCRYPTED


def test_type_names_the_version_the_event_was_stored_with() -> None:
    _, (_, updated) = stored()
    moved = dataclasses.replace(updated, topic=get_topic(Later.DetailsUpdated))
    envelope = CloudEventsEnvelope(transcoder())
    assert envelope.attributes(moved)["type"] == "switchboard.later.details_updated.v1"
    state = transcoder().decode(updated.state) | {"class_version": 2}
    v2 = dataclasses.replace(moved, state=transcoder().encode(state))
    attributes = envelope.attributes(v2)
    assert attributes["type"] == "switchboard.later.details_updated.v2"
    assert "class_version" not in attributes["data"]


def test_sequence_orders_as_text_like_the_ids_as_numbers() -> None:
    ids = [9, 10, 99, 100, 12_345_678_901]
    assert sorted(ids, key=sequence_text) == ids
    assert len(sequence_text(2**63 - 1)) == 20


def test_plain_json_refuses_what_it_cannot_represent() -> None:
    assert json.dumps(plain_json({"n": Decimal("1.5"), "t": (T0,)})) == (
        '{"n": "1.5", "t": ["2024-03-01T09:00:00+00:00"]}')
    with pytest.raises(TypeError):
        plain_json({"x": object()})
