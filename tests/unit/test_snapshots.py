"""Snapshot state encoding: every value type the aggregates hold comes back."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest
from eventsourcing.persistence import DatetimeAsISO, JSONTranscoder, UUIDAsHex

from domain.consent import ConsentChannel, ConsentPurpose, ConsentRecord
from domain.customer_details import Address, CustomerDetails
from domain.identity import phone_identity
from domain.snapshots import decode, encode


def through_json(value: object) -> object:
    transcoder = JSONTranscoder()
    transcoder.register(UUIDAsHex())
    transcoder.register(DatetimeAsISO())
    return decode(transcoder.decode(transcoder.encode(encode(value))))


def test_nested_domain_values_survive_json() -> None:
    when = datetime(2024, 3, 1, tzinfo=UTC)
    state = {
        "details": CustomerDetails(
            "Ada", birth_date=date(1990, 1, 2), address=Address("1 Main St", "1", "Berlin", "DE")
        ),
        "identities": [phone_identity("+493055571600")],
        "consents": {
            (ConsentChannel.SMS, ConsentPurpose.MARKETING_SMS): ConsentRecord(True, "app", when)
        },
        "ids": (uuid4(), None),
        "plain": {"key": [1, 2.5, "x", True]},
    }
    restored = through_json(state)
    assert restored == state
    assert repr(restored) == repr(state)


def test_only_domain_types_are_built_from_snapshots() -> None:
    with pytest.raises(ValueError, match="foreign type"):
        decode({"__enum__": ["os:system", "rm -rf /"]})
