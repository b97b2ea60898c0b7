"""Events of the Customer aggregate (payloads only; behaviour is in customer.py).

Payloads are JSON-native: enums travel as their string values, the birth date
as an ISO string and the address as a dict, so the default transcoder and the
Kafka envelope need nothing custom.
"""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from domain.events import SwitchboardAggregate

_DETAILS = frozenset(
    {
        "display_name",
        "given_name",
        "family_name",
        "organisation_name",
        "birth_date",
        "address",
    }
)


class Registered(SwitchboardAggregate.Created):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = _DETAILS
    kind: str
    display_name: str
    given_name: str | None
    family_name: str | None
    organisation_name: str | None
    birth_date: str | None
    address: dict[str, str] | None


class DetailsUpdated(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = _DETAILS
    display_name: str
    given_name: str | None
    family_name: str | None
    organisation_name: str | None
    birth_date: str | None
    address: dict[str, str] | None


class IdentityAdded(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset({"value"})
    identity_kind: str
    scope: str
    value: str


class IdentityRemoved(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset({"value"})
    identity_kind: str
    scope: str
    value: str


class ConsentGranted(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    channel: str
    purpose: str
    source: str


class ConsentWithdrawn(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    channel: str
    purpose: str
    source: str


class ContactPersonAdded(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    person_id: UUID


class ContactPersonRemoved(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    person_id: UUID


class OrganisationJoined(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    organisation_id: UUID


class OrganisationLeft(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    organisation_id: UUID


class MergedInto(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    survivor_id: UUID


class DuplicateAbsorbed(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    duplicate_id: UUID


class Unmerged(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    survivor_id: UUID


class DuplicateReleased(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    duplicate_id: UUID


class PersonalDataErased(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    legal_basis: str
