"""The CTI webhook's pure parts: reading bodies, numbers as telephony systems write them,
caller-ID rules, block lists, and what a hangup means for a call nobody answered."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import cast
from uuid import uuid4

import pytest
from pydantic import ValidationError

from adapters.cti_store import CtiStore, StoredIntegration
from api.cti_body import BodyError, parse_body
from api.schemas.cti import CtiEventIn
from contact_center.call_notifications import CallEnded, CallOffered, CallTaken
from contact_center.cti_events import Cause, CtiEvent, CtiEventKind, call_interaction_id, end_unanswered
from contact_center.cti_integrations import (
    WITHHELD,
    CallerIdRule,
    CtiIntegrations,
    Integration,
    pbx_number,
    token_hash,
)
from contact_center.logging_notifier import LoggingCallNotifier
from domain.errors import InvalidIdentity
from domain.interaction import Interaction
from domain.interaction_values import Direction, InteractionStatus

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_bodies_as_json_urlencoded_and_multipart() -> None:
    assert parse_body("application/json; charset=utf-8", b'{"user": "Emma"}') == {"user": "Emma"}
    form = b"event=newCall&user[]=Alice&user[]=Bob&queue=&user=Carol"
    assert parse_body("application/x-www-form-urlencoded", form) == {
        "event": "newCall", "queue": "", "user": ["Alice", "Bob", "Carol"]}
    multipart = (b'--b\r\nContent-Disposition: form-data; name="user[]"\r\n\r\nJ\xc3\xbcrgen\r\n'
                 b'--b\r\nContent-Disposition: form-data; name="callId"\r\n\r\n42\r\n--b--\r\n')
    assert parse_body("multipart/form-data; boundary=b", multipart) == {"user": ["Jürgen"], "callId": "42"}
    for content_type, body in (("application/json", b"[1]"), ("application/json", b"\xff"),
                               ("multipart/form-data", multipart), (None, b"event=newCall")):
        with pytest.raises(BodyError):
            parse_body(content_type, body)


def test_event_fields() -> None:
    base = {"event": "hangup", "from": "anonymous", "to": "0221", "direction": "out", "callId": "1"}
    event = CtiEventIn.model_validate({**base, "user": " Emma ", "queue": " ", "cause": "busy",
                                       "answeringNumber": "", "unknownField": 1}).to_event()
    assert event == CtiEvent(CtiEventKind.HANGUP, "anonymous", "0221", Direction.OUTBOUND, "1",
                             users=("Emma",), cause=Cause.BUSY)
    with pytest.raises(ValidationError):
        CtiEventIn.model_validate({**base, "event": "transfer"})


def test_numbers_as_telephony_systems_write_them() -> None:
    assert pbx_number("492214710334", "DE") == "+492214710334"  # international without +
    assert pbx_number("02214710334", "DE") == "+492214710334"
    assert pbx_number("+49 221 4710334", "DE") == "+492214710334"
    assert pbx_number("0049 221 4710334", "DE") == "+492214710334"
    with pytest.raises(InvalidIdentity):
        pbx_number("1001", "DE")


def test_caller_id_rules_and_block_list() -> None:
    rules = (CallerIdRule("+4989*", "+498999998145"), CallerIdRule("*", "+496990009111"))
    office = Integration(uuid4(), "office", frozenset({"+492215550199", WITHHELD}), rules)
    assert office.caller_id_for("+4989555012") == "+498999998145"
    assert office.caller_id_for("+4989") == "+496990009111"  # * stands for at least one digit
    assert office.caller_id_for("+4930901820") == "+496990009111"
    assert office.caller_id_for(None) is None
    assert office.blocks("+492215550199")
    assert office.blocks(None)
    assert not office.blocks("+492214710334")
    assert office.actor == "cti:office"
    assert call_interaction_id(office.id, "7") == call_interaction_id(office.id, "7")
    assert call_interaction_id(office.id, "7") != call_interaction_id(uuid4(), "7")


@pytest.mark.parametrize(("cause", "status"), [
    (Cause.NORMAL_CLEARING, InteractionStatus.MISSED), (Cause.CANCEL, InteractionStatus.ABANDONED),
    (Cause.NO_ANSWER, InteractionStatus.MISSED), (Cause.BUSY, InteractionStatus.BUSY),
    (Cause.CONGESTION, InteractionStatus.MISSED), (Cause.NOT_FOUND, InteractionStatus.MISSED),
    (Cause.FORWARDED, InteractionStatus.FORWARDED), (None, InteractionStatus.MISSED),
])
def test_unanswered_hangups(cause: Cause | None, status: InteractionStatus) -> None:
    call = Interaction.ring(id=uuid4(), direction=Direction.INBOUND, from_address="+493055571600",
                            to_address="+492214710334", actor="cti:office", occurred_at=T0)
    event = CtiEvent(CtiEventKind.HANGUP, "493055571600", "492214710334", Direction.INBOUND, "1",
                     cause=cause)
    end_unanswered(call, event, "cti:office", T0 + timedelta(seconds=9))
    assert (call.status, call.wait_seconds) == (status, 9.0)
    assert call.forwarded_to == ("unknown" if cause is Cause.FORWARDED else None)


def test_the_logging_notifier_names_calls_not_callers(caplog: pytest.LogCaptureFixture) -> None:
    agent, interaction = uuid4(), uuid4()
    notifier = LoggingCallNotifier()
    with caplog.at_level(logging.INFO, logger="switchboard.cti"):
        notifier.offered(CallOffered("c1", interaction, (agent,), "+493055571600", "single", (uuid4(),)))
        notifier.taken(CallTaken("c1", interaction, agent, ()))
        notifier.ended(CallEnded("c1", interaction, (agent,), "ended"))
    assert [r.levelno for r in caplog.records] == [logging.INFO] * 3
    assert all("c1" in r.getMessage() for r in caplog.records)
    assert not any("5557" in r.getMessage() for r in caplog.records)


class CountingStore:
    """The one read ``CtiIntegrations.authenticate`` makes, counted."""

    def __init__(self, stored: StoredIntegration) -> None:
        self.stored, self.reads = stored, 0

    def integration(self, key_id: str) -> StoredIntegration | None:
        self.reads += 1
        return self.stored if key_id == "0123456789abcdef" else None


def test_an_integration_is_kept_briefly_and_a_wrong_token_never_passes() -> None:
    token = "0123456789abcdef.secret"
    store = CountingStore(StoredIntegration(uuid4(), "pbx", token_hash(token), (), ()))
    kept = CtiIntegrations(cast(CtiStore, store), "DE", cache_seconds=60)
    assert kept.authenticate(token) is not None
    assert kept.authenticate(token) is not None
    assert kept.authenticate("0123456789abcdef.wrong") is None  # same key id, wrong secret
    assert kept.authenticate("fedcba9876543210.secret") is None
    assert kept.authenticate("fedcba9876543210.secret") is None  # unknown ids are read each time
    assert store.reads == 3
    fresh = CtiIntegrations(cast(CtiStore, store), "DE", cache_seconds=0)
    fresh.authenticate(token)
    fresh.authenticate(token)
    assert store.reads == 5
