"""Many events fast, straight through the application's save (no HTTP): for the relay's fault tests.

Each customer gets 10 events in the save that creates it; an e-mail interaction about it
(2 more events under the same Kafka key) comes in a later save, so one key's events are
spread over several transactions with other customers' events between them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from contact_center.application import SwitchboardApplication
from contact_center.stamps import Stamp
from domain.consent import ConsentChannel, ConsentPurpose
from domain.customer import Customer
from domain.customer_details import CustomerDetails, CustomerKind
from domain.identity import email_identity
from domain.interaction import Interaction
from domain.interaction_values import Channel, Direction

EVENTS_PER_CUSTOMER = 10
EVENTS_PER_FOLLOW_UP = 2
ACTOR = "import:bulk"


def new_customer(name: str, now: datetime) -> Customer:
    at = Stamp(actor=ACTOR, occurred_at=now)
    customer = Customer.register(id=uuid4(), kind=CustomerKind.PERSON,
                                 details=CustomerDetails(display_name=name), **at)
    for k in range(3):
        customer.add_identity(email_identity(f"{name.replace(' ', '.')}.{k}@example.org"), **at)
    email, marketing = ConsentChannel.EMAIL, ConsentPurpose.MARKETING_EMAIL
    customer.grant_consent(email, marketing, source="import", **at)
    customer.withdraw_consent(email, marketing, source="unsubscribe link", **at)
    customer.grant_consent(email, marketing, source="web form", **at)
    for k in range(3):
        customer.update_details(CustomerDetails(display_name=f"{name} ({k})"), **at)
    return customer


def follow_up(customer_id: UUID, now: datetime) -> Interaction:
    at = Stamp(actor=ACTOR, occurred_at=now)
    interaction = Interaction.log(id=uuid4(), channel=Channel.EMAIL, direction=Direction.INBOUND,
                                  customer_id=customer_id, subject="Invoice", body="Please resend it.",
                                  **at)
    interaction.add_note("resent", **at)
    return interaction


def save_batch(app: SwitchboardApplication, customers: int, follow_ups: Sequence[UUID],
               label: str) -> list[UUID]:
    """One transaction: ``customers`` new customers and an interaction for each of ``follow_ups``.
    Returns the new customers' ids."""
    now = datetime.now(UTC)
    created = [new_customer(f"Customer {label} {i}", now) for i in range(customers)]
    aggregates: list[Aggregate] = [*created, *(follow_up(c, now) for c in follow_ups)]
    app.save(*aggregates)
    return [customer.id for customer in created]
