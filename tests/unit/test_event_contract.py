"""The event contract every layer relies on, proved on every event class."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone
from uuid import uuid4

import pytest
from eventsourcing.domain import CommandMethodDecorator

from domain.access_log import AccessLog
from domain.agent import Agent
from domain.case import Case
from domain.customer import Customer
from domain.errors import InvalidValue
from domain.events import (
    SwitchboardAggregate,
    all_event_classes,
    event_classes_of,
    event_type_name,
    personal_fields_of,
)
from domain.interaction import Interaction
from domain.interaction_values import Direction
from tests.unit.tours import AGENT, T0, all_toured, at, tour_case


def test_the_tours_raise_every_event_class() -> None:
    raised = {type(e) for a in all_toured() for e in a.pending_events}
    assert raised == set(all_event_classes())
    assert len(all_event_classes()) == 15 + 17 + 11 + 11 + 2


def test_every_event_carries_actor_time_and_its_data_subject() -> None:
    for aggregate in all_toured():
        events = aggregate.collect_events()
        assert isinstance(events[0], SwitchboardAggregate.Event)
        subject = events[0].customer_id
        for event in events:
            assert isinstance(event, SwitchboardAggregate.Event)
            assert event.actor
            assert event.occurred_at.tzinfo is UTC
            assert event.timestamp == event.occurred_at
            if isinstance(event, Interaction.CustomerLinked):
                subject = event.customer_id
            assert event.customer_id == subject
        if isinstance(aggregate, Customer):
            assert subject == aggregate.id
        elif isinstance(aggregate, Agent | AccessLog):
            assert subject is None
        else:
            assert isinstance(aggregate, Interaction | Case)
            assert subject is not None
            assert subject == aggregate.customer_id


def test_an_unknown_caller_has_no_data_subject_until_linked() -> None:
    call = Interaction.ring(
        id=uuid4(),
        direction=Direction.INBOUND,
        from_address=None,
        to_address="+493011111111",
        actor="cti",
        occurred_at=T0,
    )
    customer_id = uuid4()
    call.link_customer(customer_id, actor="a1", occurred_at=at(5))
    call.answer(AGENT, actor="cti", occurred_at=at(6))
    rang, linked, answered = call.collect_events()
    assert isinstance(rang, SwitchboardAggregate.Event)
    assert isinstance(linked, Interaction.CustomerLinked)
    assert isinstance(answered, SwitchboardAggregate.Event)
    assert rang.customer_id is None
    assert linked.customer_id == answered.customer_id == customer_id
    assert linked.previous_customer_id is None


@pytest.mark.parametrize("event_class", all_event_classes(), ids=event_type_name)
def test_event_class_declares_version_and_personal_fields(event_class: type) -> None:
    payload_class = next(c for c in event_class.__mro__ if c.__module__.endswith("_events"))
    assert payload_class.__dict__["class_version"] == 1
    assert isinstance(payload_class.__dict__["personal_fields"], frozenset)
    field_names = {f.name for f in dataclasses.fields(event_class)}
    assert {"actor", "occurred_at", "customer_id"} <= field_names
    # Postponed annotations still let dataclasses see ClassVar: not fields.
    assert not {"personal_fields", "class_version"} & field_names
    assert personal_fields_of(event_class) <= field_names


def test_personal_fields_name_the_personal_data() -> None:
    assert personal_fields_of(Customer.Registered) >= {"display_name", "birth_date", "address"}
    assert personal_fields_of(Customer.IdentityAdded) == {"value"}
    assert personal_fields_of(Interaction.Logged) >= {"from_address", "subject", "body"}
    assert personal_fields_of(Interaction.VoicemailLeft) == {"recording_reference"}
    assert personal_fields_of(Case.NoteAdded) == {"note"}
    assert personal_fields_of(Agent.Onboarded) == {"display_name", "login"}
    assert personal_fields_of(Interaction.CallAnswered) == frozenset()


def test_personal_fields_of_refuses_unknown_classes() -> None:
    with pytest.raises(TypeError, match="not a Switchboard event"):
        personal_fields_of(int)


def test_event_type_names() -> None:
    assert event_type_name(Interaction.CallAnswered) == "switchboard.interaction.call_answered.v1"
    assert event_type_name(Customer.PersonalDataErased) == (
        "switchboard.customer.personal_data_erased.v1"
    )
    assert event_type_name(Case.SatisfactionRecorded) == "switchboard.case.satisfaction_recorded.v1"
    names = [event_type_name(c) for c in all_event_classes()]
    assert len(set(names)) == len(names)


def test_every_applier_is_bound_to_an_event() -> None:
    for aggregate_class in (Customer, Interaction, Case, Agent, AccessLog):
        appliers = {name for name in dir(aggregate_class) if name.startswith("_on_")}
        bound = {
            name
            for name, value in vars(aggregate_class).items()
            if isinstance(value, CommandMethodDecorator)
        }
        assert appliers <= bound, aggregate_class
        creation = 2 if aggregate_class is Interaction else 1
        assert len(event_classes_of(aggregate_class)) == len(appliers) + creation


def test_time_must_be_timezone_aware_and_is_stored_in_utc() -> None:
    with pytest.raises(InvalidValue, match="timezone-aware") as raised:
        tour_case().add_note("x", actor="admin", occurred_at=datetime(2024, 1, 1))
    assert raised.value.field == "occurred_at"
    berlin = timezone(timedelta(hours=1))
    agent = Agent.onboard(
        id=uuid4(),
        display_name="Al",
        login="al",
        actor="admin",
        occurred_at=datetime(2024, 1, 1, 10, tzinfo=berlin),
    )
    assert agent.created_on == datetime(2024, 1, 1, 9, tzinfo=UTC)
    assert agent.created_on.tzinfo is UTC


def test_actor_must_not_be_blank() -> None:
    with pytest.raises(InvalidValue, match="actor"):
        Agent.onboard(id=uuid4(), display_name="Al", login="al", actor=" ", occurred_at=T0)


@pytest.mark.parametrize("text", ["Al\x00", "\ud800Al"], ids=["NUL", "lone surrogate"])
def test_no_event_holds_text_that_cannot_be_stored(text: str) -> None:
    with pytest.raises(InvalidValue, match="NUL characters or unpaired surrogates") as created:
        Agent.onboard(id=uuid4(), display_name=text, login="al", actor="admin", occurred_at=T0)
    assert created.value.field == "display_name"
    case = tour_case()
    before = len(case.pending_events)
    with pytest.raises(InvalidValue) as changed:  # a later event of an aggregate too
        case.add_note(f"note {text}", actor="admin", occurred_at=at(60))
    assert changed.value.field == "note"
    assert len(case.pending_events) == before  # nothing raised half-way


def test_the_domain_never_makes_up_an_id() -> None:
    with pytest.raises(NotImplementedError, match="id"):
        Customer._create(Customer.Registered, actor="a", occurred_at=T0)
