"""Decoding records for one projection: events without a handler are claimed, never opened."""

from __future__ import annotations

import json
from collections.abc import Mapping
from uuid import uuid4

import orjson

from adapters.projected_events import EventDecoder, UnhandledEvent, without_nul
from projections.base import Handler, ProjectedEvent, Projection, Tx

ENVELOPE = {"encrypted": "aes-256-gcm", "subject": str(uuid4()), "type": "text", "ciphertext": "AAAA"}


def record(event_type: str, sequence: int) -> bytes:
    aggregate = uuid4()
    return json.dumps({
        "specversion": "1.0", "id": f"{aggregate}:1", "source": "/switchboard", "type": event_type,
        "subject": str(aggregate), "time": "2026-01-02T03:04:05Z", "customerid": str(aggregate),
        "sequence": f"{sequence:020d}", "actor": "test", "data": {"value": ENVELOPE}}).encode()


def ignore(tx: Tx, event: ProjectedEvent) -> None:
    """A handler that writes nothing."""


class Lookup(Projection):
    name = "lookup"

    def handlers(self) -> Mapping[str, Handler]:
        return {"switchboard.customer.identity_added": ignore}


class SeesEverything(Projection):
    name = "everything"

    def handlers(self) -> Mapping[str, Handler]:
        return {}

    def apply(self, tx: Tx, event: ProjectedEvent) -> None:
        """Counts, say."""


def test_a_projection_handles_the_kinds_of_its_handlers_only() -> None:
    assert Lookup().handles("switchboard.customer.identity_added")
    assert not Lookup().handles("switchboard.customer.registered")


def test_a_projection_that_overrides_apply_handles_every_kind() -> None:
    assert SeesEverything().handles("switchboard.customer.registered")


def test_records_without_a_handler_are_decoded_as_far_as_their_id() -> None:
    values = [record("switchboard.customer.registered.v1", 1),
              record("switchboard.customer.identity_added.v2", 2)]
    # No key service: a personal field that were opened would come back as None.
    skipped, decoded = EventDecoder(None).decode_handled(values, Lookup().handles)
    assert skipped == UnhandledEvent(json.loads(values[0])["id"], 1)
    assert isinstance(decoded, ProjectedEvent)
    assert (decoded.kind, decoded.sequence, decoded.data) == (
        "switchboard.customer.identity_added", 2, {"value": None})


def test_a_nul_in_a_records_text_reaches_projections_as_the_replacement_character() -> None:
    texts = ["Ada\x00Lovelace", "a backslash and u0000: \\u0000", "\\\x00", "nothing to replace"]
    values = [json.dumps({"v": text}).encode() for text in texts]
    assert [orjson.loads(without_nul(value))["v"] for value in values] == [
        "Ada\ufffdLovelace", "a backslash and u0000: \\u0000", "\\\ufffd", "nothing to replace"]
    assert without_nul(values[-1]) is values[-1]  # untouched, not copied
