"""Customer aggregate: a person or an organisation we are in contact with.

Creation::

    Customer.register(id=UUID, kind=CustomerKind, details=CustomerDetails,
                      actor=str, occurred_at=datetime) -> Customer

Commands live in three parts, bound here to their events:
:class:`~domain.customer_profile.CustomerProfile` (details, identities),
:class:`~domain.customer_consent.CustomerConsent` (consent) and
:class:`~domain.customer_links.CustomerLinks` (organisations, merge, erasure).

- Adding an identity the customer already has raises ``IdentityAlreadyPresent``;
  removing one it lacks raises ``IdentityNotPresent``.  Two customers may
  share an identity (household line, company switchboard).
- A merged customer takes no writes but ``unmerge``, ``release_duplicate``
  and erasure; an erased one takes none (``CustomerInactive``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Self
from uuid import UUID

from eventsourcing.domain import event

from domain import customer_events as ev
from domain.customer_consent import CustomerConsent
from domain.customer_details import (
    CustomerDetails,
    CustomerKind,
    CustomerStatus,
    checked_details,
    details_from_fields,
    details_to_fields,
)
from domain.customer_links import CustomerLinks
from domain.customer_profile import CustomerProfile
from domain.events import SwitchboardAggregate
from domain.validation import require_utc

_Profile, _Consent, _Links = CustomerProfile, CustomerConsent, CustomerLinks


class Customer(CustomerLinks, CustomerConsent, SwitchboardAggregate):
    class_version = 1

    Registered = ev.Registered
    DetailsUpdated = ev.DetailsUpdated
    _on_details_updated = event(DetailsUpdated)(_Profile._on_details_updated)
    IdentityAdded = ev.IdentityAdded
    _on_identity_added = event(IdentityAdded)(_Profile._on_identity_added)
    IdentityRemoved = ev.IdentityRemoved
    _on_identity_removed = event(IdentityRemoved)(_Profile._on_identity_removed)
    ConsentGranted = ev.ConsentGranted
    _on_consent_granted = event(ConsentGranted)(_Consent._on_consent_granted)
    ConsentWithdrawn = ev.ConsentWithdrawn
    _on_consent_withdrawn = event(ConsentWithdrawn)(_Consent._on_consent_withdrawn)
    ContactPersonAdded = ev.ContactPersonAdded
    _on_contact_person_added = event(ContactPersonAdded)(_Links._on_contact_person_added)
    ContactPersonRemoved = ev.ContactPersonRemoved
    _on_contact_person_removed = event(ContactPersonRemoved)(_Links._on_contact_person_removed)
    OrganisationJoined = ev.OrganisationJoined
    _on_organisation_joined = event(OrganisationJoined)(_Links._on_organisation_joined)
    OrganisationLeft = ev.OrganisationLeft
    _on_organisation_left = event(OrganisationLeft)(_Links._on_organisation_left)
    MergedInto = ev.MergedInto
    _on_merged_into = event(MergedInto)(_Links._on_merged_into)
    DuplicateAbsorbed = ev.DuplicateAbsorbed
    _on_duplicate_absorbed = event(DuplicateAbsorbed)(_Links._on_duplicate_absorbed)
    Unmerged = ev.Unmerged
    _on_unmerged = event(Unmerged)(_Links._on_unmerged)
    DuplicateReleased = ev.DuplicateReleased
    _on_duplicate_released = event(DuplicateReleased)(_Links._on_duplicate_released)
    PersonalDataErased = ev.PersonalDataErased
    _on_personal_data_erased = event(PersonalDataErased)(_Links._on_personal_data_erased)

    @classmethod
    def register(
        cls,
        *,
        id: UUID,
        kind: CustomerKind,
        details: CustomerDetails,
        actor: str,
        occurred_at: datetime,
    ) -> Self:
        at = require_utc(occurred_at)
        fields = details_to_fields(checked_details(kind, details, at.date()))
        return cls._create_with(
            cls.Registered,
            id=id,
            customer_id=id,
            actor=actor,
            occurred_at=at,
            kind=kind.value,
            **fields,
        )

    @event(Registered)
    def __init__(
        self,
        *,
        kind: str,
        display_name: str,
        given_name: str | None,
        family_name: str | None,
        organisation_name: str | None,
        birth_date: str | None,
        address: dict[str, str] | None,
    ) -> None:
        self.kind = CustomerKind(kind)
        self.details = details_from_fields(
            display_name, given_name, family_name, organisation_name, birth_date, address
        )
        self.status = CustomerStatus.ACTIVE
        self.identities = []
        self.consents = {}
        self.organisation_id = None
        self.contact_person_ids = []
        self.merged_into = None
        self.absorbed_ids = []

    def _data_subject(self) -> UUID | None:
        return self.id
