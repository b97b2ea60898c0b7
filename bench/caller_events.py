"""Synthetic callers for the projection benchmark: a customer with a phone number, and a call.

Ten events per caller, written in one save: five on the customer (registered, a phone and an
e-mail identity, a consent, a details update) for the identity lookup, five on an answered
call linked to it (rang, answered, ended, a note, a wrap-up) for the caller history.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from contact_center.application import SwitchboardApplication
from contact_center.stamps import Stamp
from domain.consent import ConsentChannel, ConsentPurpose
from domain.customer import Customer
from domain.customer_details import CustomerDetails, CustomerKind
from domain.identity import email_identity, phone_identity
from domain.interaction import Interaction
from domain.interaction_values import Direction

EVENTS_PER_CALLER = 10
ACTOR = "bench"
AGENT = UUID("00000000-0000-4000-8000-00000000a9e1")
HOTLINE = "+493055571600"


def caller_phone(n: int) -> str:
    """The n-th caller's number: German mobile numbers outside the lookup seeding's range."""
    return f"+49170{n:08d}"


def caller(n: int, now: datetime) -> list[Aggregate]:
    rang, answered = now - timedelta(minutes=5), now - timedelta(minutes=4, seconds=30)
    at = Stamp(actor=ACTOR, occurred_at=now)
    customer = Customer.register(id=uuid4(), kind=CustomerKind.PERSON,
                                 details=CustomerDetails(f"Caller {n}"), **at)
    customer.add_identity(phone_identity(caller_phone(n)), **at)
    customer.add_identity(email_identity(f"caller.{n}@example.org"), **at)
    customer.grant_consent(ConsentChannel.PHONE, ConsentPurpose.SERVICE_CONTACT, source="call", **at)
    customer.update_details(CustomerDetails(f"Caller {n} (verified)"), **at)
    call = Interaction.ring(id=uuid4(), direction=Direction.INBOUND, from_address=caller_phone(n),
                            to_address=HOTLINE, queue="support", customer_id=customer.id,
                            actor=ACTOR, occurred_at=rang)
    call.answer(AGENT, actor=ACTOR, occurred_at=answered)
    call.end(**at)
    call.add_note("Asked about the last invoice.", **at)
    call.record_wrap_up("resolved", "Invoice re-sent.", **at)
    return [customer, call]


def event_ids(aggregates: Sequence[Aggregate]) -> list[str]:
    """The CloudEvents ids (``<aggregate>:<version>``) of new aggregates' events."""
    return [f"{a.id}:{v}" for a in aggregates for v in range(1, a.version + 1)]


def save_callers(app: SwitchboardApplication, first: int, count: int) -> list[str]:
    """One transaction with ``count`` new callers; returns their events' ids."""
    now = datetime.now(UTC)
    aggregates = [a for n in range(first, first + count) for a in caller(n, now)]
    app.save(*aggregates)
    return event_ids(aggregates)
