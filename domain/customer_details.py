"""Customer kind, status, and descriptive details (all personal data)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any

from domain.errors import InvalidValue
from domain.events import ERASED
from domain.validation import optional_text, require_text

_COUNTRY = re.compile(r"^[A-Z]{2}$")


class CustomerKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"


class CustomerStatus(StrEnum):
    ACTIVE = "active"
    MERGED = "merged"
    ERASED = "erased"


@dataclass(frozen=True)
class Address:
    """A postal address; ``country`` is ISO 3166-1 alpha-2."""

    street: str
    postal_code: str
    city: str
    country: str


@dataclass(frozen=True)
class CustomerDetails:
    """Everything descriptive about a customer; replaced as a whole on update."""

    display_name: str
    given_name: str | None = None
    family_name: str | None = None
    organisation_name: str | None = None
    birth_date: date | None = None
    address: Address | None = None


def checked_details(kind: CustomerKind, details: CustomerDetails, today: date) -> CustomerDetails:
    """Normalise ``details`` for a customer of ``kind``, or raise InvalidValue."""
    organisation_name = optional_text(details.organisation_name, "organisation_name")
    if kind is CustomerKind.ORGANISATION and organisation_name is None:
        raise InvalidValue("an organisation needs a name", field="organisation_name")
    if details.birth_date is not None:
        if kind is CustomerKind.ORGANISATION:
            raise InvalidValue("organisations have no birth date", field="birth_date")
        if details.birth_date > today:
            raise InvalidValue("birth date lies in the future", field="birth_date")
    return replace(
        details,
        display_name=require_text(details.display_name, "display_name"),
        given_name=optional_text(details.given_name, "given_name"),
        family_name=optional_text(details.family_name, "family_name"),
        organisation_name=organisation_name,
        address=None if details.address is None else _checked_address(details.address),
    )


def details_to_fields(details: CustomerDetails) -> dict[str, Any]:
    """Event payload form: JSON-native (ISO date string, address as a dict)."""
    return {
        "display_name": details.display_name,
        "given_name": details.given_name,
        "family_name": details.family_name,
        "organisation_name": details.organisation_name,
        "birth_date": None if details.birth_date is None else details.birth_date.isoformat(),
        "address": None if details.address is None else asdict(details.address),
    }


def details_from_fields(
    display_name: str,
    given_name: str | None,
    family_name: str | None,
    organisation_name: str | None,
    birth_date: str | None,
    address: dict[str, str] | None,
) -> CustomerDetails:
    return CustomerDetails(
        display_name=display_name,
        given_name=given_name,
        family_name=family_name,
        organisation_name=organisation_name,
        birth_date=None if birth_date in (None, ERASED) else date.fromisoformat(birth_date),
        address=None if address is None else Address(**address),
    )


def _checked_address(address: Address) -> Address:
    country = address.country.strip().upper()
    if not _COUNTRY.match(country):
        raise InvalidValue("country must be an ISO 3166 alpha-2 code", field="country")
    return Address(
        street=address.street.strip(),
        postal_code=address.postal_code.strip(),
        city=require_text(address.city, "city"),
        country=country,
    )


# What remains of the details once personal data is erased.
ERASED_DETAILS = CustomerDetails(display_name=ERASED)
