"""Tours: each drives one aggregate through every event it has, so contract
and persistence tests run on real events of every type."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from typing import TypedDict
from uuid import uuid4

from domain.access_log import AccessLog
from domain.agent import Agent
from domain.agent_profile import Presence
from domain.case import Case
from domain.case_values import CaseKind, Priority
from domain.consent import ConsentChannel, ConsentPurpose
from domain.customer import Customer
from domain.customer_details import Address, CustomerDetails, CustomerKind
from domain.events import SwitchboardAggregate
from domain.identity import email_identity, phone_identity
from domain.interaction import Interaction
from domain.interaction_values import Channel, Direction
from domain.sla import SlaPolicy

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
AGENT, OTHER_AGENT = uuid4(), uuid4()


class Stamp(TypedDict):
    actor: str
    occurred_at: datetime


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def by(actor: str, seconds: float) -> Stamp:
    return {"actor": actor, "occurred_at": at(seconds)}


def tour_customer() -> tuple[Customer, Customer, Customer]:
    """An organisation, a person in it, and a duplicate merged into the person."""
    details = CustomerDetails(
        display_name="Ada Lovelace",
        given_name="Ada",
        family_name="Lovelace",
        birth_date=date(1990, 12, 10),
        address=Address("1 Main St", "10115", "Berlin", "DE"),
    )
    org = Customer.register(
        id=uuid4(),
        kind=CustomerKind.ORGANISATION,
        details=CustomerDetails("Acme", organisation_name="Acme GmbH"),
        actor="system",
        occurred_at=at(0),
    )
    person = Customer.register(
        id=uuid4(), kind=CustomerKind.PERSON, details=details, actor="a1", occurred_at=at(1)
    )
    dup = Customer.register(
        id=uuid4(), kind=CustomerKind.PERSON, details=details, actor="a1", occurred_at=at(2)
    )
    stamp = by("a1", 3)
    person.update_details(dataclasses.replace(details, display_name="Ada L."), **stamp)
    person.add_identity(phone_identity("+493055571600"), **stamp)
    person.add_identity(email_identity("ada@example.org"), **stamp)
    person.remove_identity(email_identity("ada@example.org"), **stamp)
    person.grant_consent(
        ConsentChannel.EMAIL, ConsentPurpose.MARKETING_EMAIL, source="web form", **stamp
    )
    person.withdraw_consent(
        ConsentChannel.EMAIL, ConsentPurpose.MARKETING_EMAIL, source="e-mail", **stamp
    )
    org.add_contact_person(person.id, **stamp)
    org.remove_contact_person(person.id, **stamp)
    person.join_organisation(org.id, **stamp)
    person.leave_organisation(**stamp)
    dup.merge_into(person.id, **stamp)
    person.absorb(dup.id, **stamp)
    dup.unmerge(**stamp)
    person.release_duplicate(dup.id, **stamp)
    dup.erase_personal_data("GDPR Art. 17", **stamp)
    return org, person, dup


def tour_interaction() -> tuple[Interaction, ...]:
    customer_id = uuid4()

    def call(offset: float) -> Interaction:
        return Interaction.ring(
            id=uuid4(),
            direction=Direction.INBOUND,
            from_address="+493055571600",
            to_address="+493011111111",
            queue="support",
            customer_id=customer_id,
            actor="cti",
            occurred_at=at(offset),
        )

    answered = call(0)
    answered.answer(AGENT, actor="cti", occurred_at=at(12))
    answered.hold(actor="cti", occurred_at=at(30))
    answered.resume(actor="cti", occurred_at=at(40))
    answered.transfer(OTHER_AGENT, actor="cti", occurred_at=at(50))
    answered.end(actor="cti", occurred_at=at(100))
    answered.attach_recording("rec/1.wav", actor="cti", occurred_at=at(110))
    answered.record_wrap_up("solved", "customer happy", actor="a1", occurred_at=at(120))
    answered.add_note("call back on Monday", actor="a1", occurred_at=at(121))
    answered.link_customer(uuid4(), actor="a1", occurred_at=at(122))
    outcomes = [call(i) for i in range(5)]
    outcomes[0].miss(actor="cti", occurred_at=at(20))
    outcomes[1].abandon(actor="cti", occurred_at=at(20))
    outcomes[2].end_busy(actor="cti", occurred_at=at(20))
    outcomes[3].leave_voicemail("vm/1.wav", actor="cti", occurred_at=at(20))
    outcomes[4].forward("+4915112345678", actor="cti", occurred_at=at(20))
    email = Interaction.log(
        id=uuid4(),
        channel=Channel.EMAIL,
        direction=Direction.INBOUND,
        from_address="ada@example.org",
        subject="Invoice",
        body="Where is my invoice?",
        customer_id=customer_id,
        actor="mail-import",
        occurred_at=at(0),
    )
    email.close(actor="a1", occurred_at=at(60))
    return answered, *outcomes, email


def tour_case() -> Case:
    case = Case.open(
        id=uuid4(),
        kind=CaseKind.COMPLAINT,
        category="billing",
        priority=Priority.HIGH,
        summary="Charged twice",
        customer_id=uuid4(),
        sla=SlaPolicy(first_response_minutes=60, resolution_minutes=480),
        origin_interaction_id=uuid4(),
        actor="a1",
        occurred_at=at(0),
    )
    stamp = by("a1", 60)
    case.assign(AGENT, **stamp)
    case.record_first_response(uuid4(), **stamp)
    case.add_note("refund requested", **stamp)
    case.escalate(1, "angry customer", **stamp)
    case.mark_pending("waiting for bank statement", **stamp)
    case.resume(**stamp)
    case.resolve("refunded", first_contact_resolution=False, **stamp)
    case.record_satisfaction(4, **stamp)
    case.close(**stamp)
    case.reopen("refund never arrived", **stamp)
    return case


def tour_agent() -> Agent:
    agent = Agent.onboard(
        id=uuid4(),
        display_name="Grace",
        login="grace",
        team="red",
        extensions=["1001"],
        skills=["billing"],
        actor="admin",
        occurred_at=at(0),
    )
    stamp = by("admin", 1)
    agent.rename("Grace H.", **stamp)
    agent.add_extension("1002", **stamp)
    agent.remove_extension("1001", **stamp)
    agent.change_team("blue", **stamp)
    agent.add_skill("english", **stamp)
    agent.remove_skill("billing", **stamp)
    agent.change_presence(Presence.AVAILABLE, **stamp)
    agent.grant_leaderboard_consent(**stamp)
    agent.withdraw_leaderboard_consent(**stamp)
    agent.deactivate(**stamp)
    return agent


def tour_access_log() -> AccessLog:
    log = AccessLog.open(id=uuid4(), subject_id=uuid4(), actor="auditor:ines", occurred_at=at(0))
    log.record_view(viewer="auditor:ines", what="customer", query={"version": "3"},
                    actor="auditor:ines", occurred_at=at(1))
    return log


def all_toured() -> list[SwitchboardAggregate]:
    return [*tour_customer(), *tour_interaction(), tour_case(), tour_agent(), tour_access_log()]
