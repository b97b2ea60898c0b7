"""Identity value objects: canonical forms and validation."""

from __future__ import annotations

import pytest

from domain.errors import InvalidIdentity
from domain.identity import (
    IdentityKind,
    email_identity,
    external_identity,
    phone_identity,
    social_identity,
)


def test_phone_must_already_be_e164() -> None:
    assert phone_identity("+493055571600").value == "+493055571600"
    for raw in ("030 55571600", "493055571600", "+0301234567", "+49 30 5557", "+1234"):
        with pytest.raises(InvalidIdentity) as raised:
            phone_identity(raw)
        assert raised.value.field == "phone"


def test_email_is_case_folded() -> None:
    identity = email_identity("  Ada.Lovelace@Example.ORG ")
    assert (identity.kind, identity.value) == (IdentityKind.EMAIL, "ada.lovelace@example.org")
    for raw in ("ada", "ada@", "@example.org", "ada @example.org", "ada@example", "a@-example.com",
                "a@example-.com", "a@exa_mple.com", "a@example.c0m", "a@1.2.3.4"):
        with pytest.raises(InvalidIdentity, match="e-mail"):
            email_identity(raw)
    for raw in ("x.y+z@sub.example.co.uk", "jörg@müller.de", "a@xn--mller-kva.de"):
        assert email_identity(raw).value == raw  # subdomains, other scripts, IDNs


def test_social_handle_is_scoped_by_network() -> None:
    identity = social_identity(" X ", "@AdaL")
    assert (identity.scope, identity.value) == ("x", "adal")
    assert identity != social_identity("mastodon", "adal")
    with pytest.raises(InvalidIdentity) as raised:
        social_identity("x", "@")
    assert raised.value.field == "handle"
    with pytest.raises(InvalidIdentity) as raised:
        social_identity("", "ada")
    assert raised.value.field == "network"


def test_external_id_keeps_its_case() -> None:
    identity = external_identity("SAP", " Cust-00042 ")
    assert (identity.kind, identity.scope, identity.value) == (
        IdentityKind.EXTERNAL,
        "sap",
        "Cust-00042",
    )
    with pytest.raises(InvalidIdentity):
        external_identity("sap", " ")
