"""Customer identities: how a customer is recognised on each channel.

Values arrive already normalised (phone numbers are made E.164 in
``contact_center.identity_normalisation``); this module only checks them and
applies the canonical forms that need no outside knowledge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from domain.errors import InvalidIdentity

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
# local@label.label…tld: labels of letters, digits and inner hyphens (any script), the last
# of letters (or an IDN's xn-- form).
_LABEL = r"[^\W_](?:[^\W_]|-)*(?<!-)"
_EMAIL = re.compile(rf"^[^@\s]+@(?:{_LABEL}\.)+(?:[^\W\d_]{{2,}}|xn--[a-z0-9-]+)$")
_SCOPE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


class IdentityKind(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    SOCIAL = "social"
    EXTERNAL = "external"


@dataclass(frozen=True)
class Identity:
    """One identity; ``scope`` is the social network or external system, else ""."""

    kind: IdentityKind
    value: str
    scope: str = ""


def phone_identity(e164: str) -> Identity:
    """A phone number that must already be E.164, e.g. ``+493055571600``."""
    if not E164.match(e164):
        raise InvalidIdentity(f"{e164!r} is not an E.164 phone number", field="phone")
    return Identity(IdentityKind.PHONE, e164)


def email_identity(address: str) -> Identity:
    return Identity(IdentityKind.EMAIL, canonical_email(address))


def social_identity(network: str, handle: str) -> Identity:
    """A handle on a network; handles are case-insensitive and lose a leading @."""
    value = handle.strip().removeprefix("@").casefold()
    if not value or any(c.isspace() for c in value):
        raise InvalidIdentity(f"{handle!r} is not a social handle", field="handle")
    return Identity(IdentityKind.SOCIAL, value, _scope(network, "network"))


def external_identity(system: str, external_id: str) -> Identity:
    """An id in another system (ERP, shop); kept case-sensitive."""
    value = external_id.strip()
    if not value:
        raise InvalidIdentity("external id must not be blank", field="external_id")
    return Identity(IdentityKind.EXTERNAL, value, _scope(system, "system"))


def identity_from_parts(kind: str, value: str, scope: str) -> Identity:
    """Rebuild an identity from event fields (validated when first added)."""
    return Identity(IdentityKind(kind), value, scope)


def canonical_email(address: str) -> str:
    """Strip and case-fold an e-mail address and check its basic shape."""
    value = address.strip().casefold()
    if not _EMAIL.match(value):
        raise InvalidIdentity(f"{address!r} is not an e-mail address", field="email")
    return value


def _scope(name: str, field: str) -> str:
    value = name.strip().casefold()
    if not _SCOPE.match(value):
        raise InvalidIdentity(f"{name!r} is not a valid {field} name", field=field)
    return value
