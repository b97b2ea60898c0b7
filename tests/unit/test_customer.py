"""Customer invariants: details, identities, consent, links, merge, erasure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import TypedDict
from uuid import uuid4

import pytest

from domain.consent import ConsentChannel, ConsentPurpose
from domain.customer import Customer
from domain.customer_details import Address, CustomerDetails, CustomerKind, CustomerStatus
from domain.errors import (
    AlreadyPresent,
    ConsentMissing,
    CustomerInactive,
    IdentityAlreadyPresent,
    IdentityNotPresent,
    InvalidTransition,
    InvalidValue,
    MergeNotAllowed,
    NotPresent,
)
from domain.events import ERASED
from domain.identity import email_identity, phone_identity

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
PHONE = phone_identity("+493055571600")


class Stamp(TypedDict):
    actor: str
    occurred_at: datetime


NOW: Stamp = {"actor": "agent-7", "occurred_at": T0 + timedelta(minutes=1)}


def person(details: CustomerDetails | None = None) -> Customer:
    return Customer.register(
        id=uuid4(),
        kind=CustomerKind.PERSON,
        details=details or CustomerDetails(display_name="Ada"),
        actor="agent-7",
        occurred_at=T0,
    )


def organisation() -> Customer:
    return Customer.register(
        id=uuid4(),
        kind=CustomerKind.ORGANISATION,
        details=CustomerDetails("Acme", organisation_name="Acme GmbH"),
        actor="agent-7",
        occurred_at=T0,
    )


def test_register_normalises_details() -> None:
    address = Address(" 1 Main St ", "10115", " Berlin ", "de")
    customer = person(CustomerDetails("Ada", given_name=" Ada ", address=address))
    assert customer.details.given_name == "Ada"
    assert customer.details.address == Address("1 Main St", "10115", "Berlin", "DE")
    assert customer.status is CustomerStatus.ACTIVE


@pytest.mark.parametrize(
    ("kind", "details", "field"),
    [
        (CustomerKind.PERSON, CustomerDetails(" "), "display_name"),
        (CustomerKind.ORGANISATION, CustomerDetails("Acme"), "organisation_name"),
        (CustomerKind.PERSON, CustomerDetails("Ada", birth_date=date(2030, 1, 1)), "birth_date"),
        (
            CustomerKind.ORGANISATION,
            CustomerDetails("Acme", organisation_name="Acme", birth_date=date(2000, 1, 1)),
            "birth_date",
        ),
        (
            CustomerKind.PERSON,
            CustomerDetails("Ada", address=Address("x", "1", "Berlin", "Germany")),
            "country",
        ),
    ],
)
def test_register_rejects_invalid_details(
    kind: CustomerKind, details: CustomerDetails, field: str
) -> None:
    with pytest.raises(InvalidValue) as raised:
        Customer.register(id=uuid4(), kind=kind, details=details, actor="a", occurred_at=T0)
    assert raised.value.field == field


def test_update_details_records_only_changes() -> None:
    customer = person()
    customer.update_details(CustomerDetails("Ada "), **NOW)
    assert len(customer.collect_events()) == 1
    customer.update_details(CustomerDetails("Ada Lovelace"), **NOW)
    assert customer.details.display_name == "Ada Lovelace"
    assert len(customer.collect_events()) == 1


def test_identities_are_added_once_and_removed_once() -> None:
    customer = person()
    customer.add_identity(PHONE, **NOW)
    with pytest.raises(IdentityAlreadyPresent):
        customer.add_identity(PHONE, **NOW)
    customer.remove_identity(PHONE, **NOW)
    with pytest.raises(IdentityNotPresent) as raised:
        customer.remove_identity(PHONE, **NOW)
    assert raised.value.field == "phone"
    assert customer.identities == []


def test_two_customers_may_share_a_number() -> None:
    first, second = person(), person()
    first.add_identity(PHONE, **NOW)
    second.add_identity(PHONE, **NOW)
    assert first.identities == second.identities == [PHONE]


def test_consent_is_opt_in_per_channel_and_purpose() -> None:
    customer = person()
    assert not customer.has_consent(ConsentPurpose.MARKETING_CALL)
    customer.grant_consent(
        ConsentChannel.PHONE, ConsentPurpose.MARKETING_CALL, source="web form", **NOW
    )
    assert customer.has_consent(ConsentPurpose.MARKETING_CALL)
    assert not customer.has_consent(ConsentPurpose.MARKETING_CALL, ConsentChannel.SMS)
    assert not customer.has_consent(ConsentPurpose.MARKETING_SMS)
    record = customer.consents[(ConsentChannel.PHONE, ConsentPurpose.MARKETING_CALL)]
    assert record.granted
    assert record.source == "web form"
    assert record.recorded_at == NOW["occurred_at"]


def test_withdrawn_consent_is_missing() -> None:
    customer = person()
    customer.grant_consent(
        ConsentChannel.EMAIL, ConsentPurpose.MARKETING_EMAIL, source="form", **NOW
    )
    customer.withdraw_consent(
        ConsentChannel.EMAIL, ConsentPurpose.MARKETING_EMAIL, source="unsubscribe link", **NOW
    )
    assert not customer.has_consent(ConsentPurpose.MARKETING_EMAIL)
    with pytest.raises(ConsentMissing):
        customer.require_consent(ConsentPurpose.MARKETING_EMAIL)


def test_service_contact_consent_counts_on_any_channel() -> None:
    customer = person()
    customer.grant_consent(ConsentChannel.SMS, ConsentPurpose.SERVICE_CONTACT, source="app", **NOW)
    assert customer.has_consent(ConsentPurpose.SERVICE_CONTACT)
    customer.require_consent(ConsentPurpose.SERVICE_CONTACT, ConsentChannel.SMS)
    assert not customer.has_consent(ConsentPurpose.SERVICE_CONTACT, ConsentChannel.PHONE)


def test_a_marketing_purpose_is_granted_on_its_own_channel_only() -> None:
    customer = person()
    before = len(customer.pending_events)
    with pytest.raises(InvalidValue, match="marketing_call is granted on the phone channel") as refused:
        customer.grant_consent(ConsentChannel.SMS, ConsentPurpose.MARKETING_CALL, source="form", **NOW)
    assert refused.value.field == "channel"
    assert len(customer.pending_events) == before  # no event raised
    assert (ConsentChannel.SMS, ConsentPurpose.MARKETING_CALL) not in customer.consents
    customer.withdraw_consent(ConsentChannel.SMS, ConsentPurpose.MARKETING_CALL, source="letter", **NOW)
    assert not customer.has_consent(ConsentPurpose.MARKETING_CALL)  # an opt-out is taken anywhere


def test_consent_needs_a_source() -> None:
    with pytest.raises(InvalidValue, match="source"):
        person().grant_consent(ConsentChannel.SMS, ConsentPurpose.MARKETING_SMS, source="", **NOW)


def test_only_organisations_list_contact_persons() -> None:
    org, ada = organisation(), person()
    org.add_contact_person(ada.id, **NOW)
    with pytest.raises(AlreadyPresent):
        org.add_contact_person(ada.id, **NOW)
    with pytest.raises(InvalidTransition):
        ada.add_contact_person(org.id, **NOW)
    org.remove_contact_person(ada.id, **NOW)
    with pytest.raises(NotPresent):
        org.remove_contact_person(ada.id, **NOW)


def test_persons_belong_to_one_organisation_at_a_time() -> None:
    org, ada = organisation(), person()
    ada.join_organisation(org.id, **NOW)
    assert ada.organisation_id == org.id
    with pytest.raises(AlreadyPresent):
        ada.join_organisation(uuid4(), **NOW)
    with pytest.raises(InvalidTransition):
        org.join_organisation(uuid4(), **NOW)
    ada.leave_organisation(**NOW)
    with pytest.raises(NotPresent):
        ada.leave_organisation(**NOW)


def test_a_customer_cannot_merge_into_itself() -> None:
    customer = person()
    with pytest.raises(MergeNotAllowed):
        customer.merge_into(customer.id, **NOW)
    with pytest.raises(MergeNotAllowed):
        customer.absorb(customer.id, **NOW)


def merged_pair() -> tuple[Customer, Customer]:
    duplicate, survivor = person(), person()
    duplicate.merge_into(survivor.id, **NOW)
    survivor.absorb(duplicate.id, **NOW)
    return duplicate, survivor


def test_merge_touches_both_sides_and_stops_writes_to_the_duplicate() -> None:
    duplicate, survivor = merged_pair()
    assert duplicate.status is CustomerStatus.MERGED
    assert duplicate.merged_into == survivor.id
    assert survivor.absorbed_ids == [duplicate.id]
    with pytest.raises(MergeNotAllowed):
        duplicate.merge_into(uuid4(), **NOW)
    with pytest.raises(MergeNotAllowed):
        survivor.absorb(duplicate.id, **NOW)
    with pytest.raises(CustomerInactive):
        duplicate.add_identity(PHONE, **NOW)


def test_unmerge_reverses_both_sides() -> None:
    duplicate, survivor = merged_pair()
    duplicate.unmerge(**NOW)
    survivor.release_duplicate(duplicate.id, **NOW)
    assert duplicate.status is CustomerStatus.ACTIVE
    assert duplicate.merged_into is None
    assert survivor.absorbed_ids == []
    duplicate.add_identity(PHONE, **NOW)


def test_unmerge_needs_a_merge() -> None:
    customer = person()
    with pytest.raises(MergeNotAllowed):
        customer.unmerge(**NOW)
    with pytest.raises(MergeNotAllowed):
        customer.release_duplicate(uuid4(), **NOW)


def test_erasure_wipes_personal_state() -> None:
    customer = person(CustomerDetails("Ada", given_name="Ada", birth_date=date(1990, 1, 1)))
    customer.add_identity(email_identity("Ada@Example.org"), **NOW)
    customer.grant_consent(ConsentChannel.SMS, ConsentPurpose.MARKETING_SMS, source="app", **NOW)
    customer.erase_personal_data("GDPR Art. 17 request", **NOW)
    assert customer.status is CustomerStatus.ERASED
    assert customer.details == CustomerDetails(display_name=ERASED)
    assert customer.identities == []
    assert not customer.has_consent(ConsentPurpose.MARKETING_SMS)


@pytest.mark.parametrize(
    "write",
    [
        lambda c: c.update_details(CustomerDetails("X"), **NOW),
        lambda c: c.add_identity(PHONE, **NOW),
        lambda c: c.erase_personal_data("again", **NOW),
        lambda c: c.unmerge(**NOW),
        lambda c: c.merge_into(uuid4(), **NOW),
        lambda c: c.absorb(uuid4(), **NOW),
    ],
)
def test_an_erased_customer_takes_no_writes(write: Callable[[Customer], None]) -> None:
    customer = person()
    customer.erase_personal_data("GDPR Art. 17 request", **NOW)
    with pytest.raises(CustomerInactive):
        write(customer)


def test_a_merged_duplicate_can_still_be_erased() -> None:
    duplicate = person()
    duplicate.merge_into(uuid4(), **NOW)
    duplicate.erase_personal_data("retention expired", **NOW)
    assert duplicate.status is CustomerStatus.ERASED
