"""Events are versioned: a stored v1 event is upcast when its class is v2."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from eventsourcing.persistence import (
    DatetimeAsISO,
    JSONTranscoder,
    Mapper,
    StoredEvent,
    UUIDAsHex,
)
from eventsourcing.utils import get_topic

from domain import customer_events
from domain.customer import Customer
from domain.customer_details import CustomerDetails, CustomerKind

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


class DetailsUpdatedV2(customer_events.DetailsUpdated):
    """What a second version of DetailsUpdated could look like."""

    class_version = 2
    preferred_language: str

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["preferred_language"] = "und"


def mapper() -> Mapper[Any]:
    transcoder = JSONTranscoder()
    transcoder.register(UUIDAsHex())
    transcoder.register(DatetimeAsISO())
    return Mapper(transcoder=transcoder)


def stored_v1_event() -> StoredEvent:
    customer = Customer.register(
        id=uuid4(),
        kind=CustomerKind.PERSON,
        details=CustomerDetails("Ada"),
        actor="a1",
        occurred_at=T0,
    )
    customer.update_details(CustomerDetails("Ada L."), actor="a1", occurred_at=T0)
    updated = customer.collect_events()[-1]
    assert isinstance(updated, Customer.DetailsUpdated)
    assert updated.class_version == 1
    return mapper().to_stored_event(updated)


def test_stored_v1_state_is_upcast_to_v2() -> None:
    v1 = stored_v1_event()
    assert b"class_version" not in v1.state
    # The same stored record, read after the class moved to version 2.
    as_v2 = dataclasses.replace(v1, topic=get_topic(DetailsUpdatedV2))

    upcast = mapper().to_domain_event(as_v2)

    assert isinstance(upcast, DetailsUpdatedV2)
    assert upcast.preferred_language == "und"
    assert upcast.display_name == "Ada L."
    assert upcast.customer_id == upcast.originator_id


def test_v2_events_are_stored_with_their_version() -> None:
    v1 = mapper().to_domain_event(stored_v1_event())
    assert isinstance(v1, Customer.DetailsUpdated)
    fields: dict[str, Any] = {f.name: getattr(v1, f.name) for f in dataclasses.fields(v1)}
    v2 = DetailsUpdatedV2(**fields | {"preferred_language": "de"})

    stored = mapper().to_stored_event(v2)
    restored = mapper().to_domain_event(stored)

    assert b'"class_version":2' in stored.state
    assert isinstance(restored, DetailsUpdatedV2)
    assert restored.preferred_language == "de"
