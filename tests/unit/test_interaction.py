"""Interaction invariants: the call lifecycle, durations, other channels."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TypedDict
from uuid import uuid4

import pytest

from domain.errors import AlreadyPresent, InvalidTransition, InvalidValue
from domain.interaction import Interaction
from domain.interaction_values import Channel, Direction, InteractionStatus

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
AGENT, OTHER_AGENT = uuid4(), uuid4()


class Stamp(TypedDict):
    actor: str
    occurred_at: datetime


def at(seconds: float) -> Stamp:
    return {"actor": "cti", "occurred_at": T0 + timedelta(seconds=seconds)}


def ringing() -> Interaction:
    return Interaction.ring(
        id=uuid4(),
        direction=Direction.INBOUND,
        from_address="+493055571600",
        to_address="+493011111111",
        queue="support",
        **at(0),
    )


def answered() -> Interaction:
    call = ringing()
    call.answer(AGENT, **at(12))
    return call


def email() -> Interaction:
    return Interaction.log(
        id=uuid4(),
        channel=Channel.EMAIL,
        direction=Direction.INBOUND,
        from_address="ada@example.org",
        subject="Invoice",
        body="Where is it?",
        **at(0),
    )


def test_a_call_starts_ringing_without_a_customer() -> None:
    call = ringing()
    assert call.status is InteractionStatus.RINGING
    assert call.channel is Channel.CALL
    assert call.customer_id is None
    assert not call.is_finished


def test_a_call_cannot_be_answered_twice() -> None:
    call = answered()
    with pytest.raises(InvalidTransition) as raised:
        call.answer(OTHER_AGENT, **at(13))
    assert raised.value.field == "status"


def test_durations_come_from_the_event_times() -> None:
    call = answered()
    call.hold(**at(30))
    call.resume(**at(40))
    call.hold(**at(90))
    call.end(**at(100))
    event = call.collect_events()[-1]
    assert isinstance(event, Interaction.CallEnded)
    assert (event.wait_seconds, event.talk_seconds, event.hold_seconds) == (12.0, 88.0, 20.0)
    assert (call.wait_seconds, call.talk_seconds, call.hold_seconds) == (12.0, 88.0, 20.0)
    assert call.status is InteractionStatus.ENDED
    assert call.is_finished


def test_clock_skew_never_makes_a_negative_duration() -> None:
    call = ringing()
    call.answer(AGENT, **at(-2))
    assert call.wait_seconds == 0.0


def test_hold_needs_an_answered_call() -> None:
    with pytest.raises(InvalidTransition):
        ringing().hold(**at(5))
    with pytest.raises(InvalidTransition):
        answered().resume(**at(20))


def test_transfer_goes_to_another_agent_and_ends_a_hold() -> None:
    call = answered()
    with pytest.raises(InvalidValue) as raised:
        call.transfer(AGENT, **at(20))
    assert raised.value.field == "to_agent_id"
    call.hold(**at(20))
    call.transfer(OTHER_AGENT, **at(25))
    assert call.agent_id == OTHER_AGENT
    assert call.status is InteractionStatus.ANSWERED
    assert call.hold_seconds == 5.0
    with pytest.raises(InvalidTransition):
        ringing().transfer(OTHER_AGENT, **at(5))


def test_nothing_ends_a_call_that_never_rang() -> None:
    # A call exists only from its ring on, and an email never ends like a call.
    with pytest.raises(InvalidTransition):
        ringing().end(**at(5))
    with pytest.raises(InvalidTransition) as raised:
        email().end(**at(5))
    assert raised.value.field == "channel"


@pytest.mark.parametrize(
    ("finish", "status"),
    [
        (lambda c: c.miss(**at(30)), InteractionStatus.MISSED),
        (lambda c: c.abandon(**at(30)), InteractionStatus.ABANDONED),
        (lambda c: c.end_busy(**at(30)), InteractionStatus.BUSY),
        (lambda c: c.leave_voicemail("vm/7.wav", **at(30)), InteractionStatus.VOICEMAIL),
        (lambda c: c.forward("+4915112345678", **at(30)), InteractionStatus.FORWARDED),
    ],
)
def test_unanswered_outcomes_record_the_wait(
    finish: Callable[[Interaction], None], status: InteractionStatus
) -> None:
    call = ringing()
    finish(call)
    assert call.status is status
    assert call.is_finished
    assert call.wait_seconds == 30.0
    assert call.talk_seconds is None
    with pytest.raises(InvalidTransition):
        call.answer(AGENT, **at(31))


def test_voicemail_keeps_its_recording() -> None:
    call = ringing()
    call.leave_voicemail("vm/7.wav", **at(30))
    assert call.recording_references == ["vm/7.wav"]


@pytest.mark.parametrize(
    "change",
    [
        lambda c: c.answer(AGENT, **at(200)),
        lambda c: c.hold(**at(200)),
        lambda c: c.resume(**at(200)),
        lambda c: c.end(**at(200)),
        lambda c: c.miss(**at(200)),
        lambda c: c.transfer(OTHER_AGENT, **at(200)),
        lambda c: c.close(**at(200)),
    ],
)
def test_a_finished_call_does_not_change_state(change: Callable[[Interaction], None]) -> None:
    call = answered()
    call.end(**at(100))
    with pytest.raises(InvalidTransition):
        change(call)
    assert call.status is InteractionStatus.ENDED


def test_a_finished_call_still_takes_wrap_up_notes_recordings_and_links() -> None:
    call = answered()
    call.end(**at(100))
    call.record_wrap_up("billing", "asked for refund", **at(110))
    call.record_wrap_up("refund", None, **at(115))
    call.add_note("promised a call back", **at(120))
    call.attach_recording("rec/1.wav", **at(130))
    customer_id = uuid4()
    call.link_customer(customer_id, **at(140))
    assert (call.wrap_up_code, call.wrap_up_notes) == ("refund", None)
    assert call.notes == ["promised a call back"]
    assert call.recording_references == ["rec/1.wav"]
    assert call.customer_id == customer_id


def test_recordings_are_attached_once_and_never_to_a_ringing_call() -> None:
    call = answered()
    call.attach_recording("rec/1.wav", **at(20))
    with pytest.raises(AlreadyPresent):
        call.attach_recording("rec/1.wav", **at(21))
    with pytest.raises(InvalidTransition):
        ringing().attach_recording("rec/2.wav", **at(1))


def test_a_ringing_call_has_nothing_to_wrap_up() -> None:
    with pytest.raises(InvalidTransition):
        ringing().record_wrap_up("billing", **at(1))


def test_relinking_to_the_same_customer_fails() -> None:
    call = ringing()
    first, second = uuid4(), uuid4()
    call.link_customer(first, **at(1))
    with pytest.raises(AlreadyPresent):
        call.link_customer(first, **at(2))
    call.link_customer(second, **at(3))
    event = call.collect_events()[-1]
    assert isinstance(event, Interaction.CustomerLinked)
    assert (event.customer_id, event.previous_customer_id) == (second, first)


def test_other_channels_are_logged_and_closed_once() -> None:
    message = email()
    assert message.status is InteractionStatus.OPEN
    assert (message.subject, message.body) == ("Invoice", "Where is it?")
    message.add_note("forwarded to billing", **at(5))
    message.record_wrap_up("billing", **at(6))
    message.close(**at(10))
    assert message.is_finished
    with pytest.raises(InvalidTransition):
        message.close(**at(11))


@pytest.mark.parametrize(
    "call_method",
    [
        lambda c: c.answer(AGENT, **at(5)),
        lambda c: c.hold(**at(5)),
        lambda c: c.miss(**at(5)),
        lambda c: c.attach_recording("rec/1.wav", **at(5)),
    ],
)
def test_other_channels_have_no_call_methods(call_method: Callable[[Interaction], None]) -> None:
    with pytest.raises(InvalidTransition) as raised:
        call_method(email())
    assert raised.value.field == "channel"


def test_calls_are_not_logged_and_not_closed() -> None:
    with pytest.raises(InvalidValue):
        Interaction.log(id=uuid4(), channel=Channel.CALL, direction=Direction.OUTBOUND, **at(0))
    with pytest.raises(InvalidTransition):
        answered().close(**at(5))


def test_status_is_read_only() -> None:
    call = ringing()
    with pytest.raises(AttributeError):
        call.status = InteractionStatus.ENDED  # type: ignore[misc]
