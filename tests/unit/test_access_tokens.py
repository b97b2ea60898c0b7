"""Access tokens: signed claims of user, role and agent that expire, bound to one secret."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from contact_center.access_tokens import AccessTokens, InvalidToken, Principal
from contact_center.roles import Role


class Clock:
    def __init__(self) -> None:
        self.at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at


def test_a_token_carries_user_role_and_agent_until_it_expires() -> None:
    clock, agent = Clock(), uuid4()
    tokens = AccessTokens(b"k" * 32, clock, ttl_seconds=600)
    token, principal = tokens.mint("ada", Role.AGENT, agent)
    assert principal == Principal("ada", Role.AGENT, agent, int(clock.at.timestamp()) + 600)
    assert tokens.verify(token) == principal
    assert principal.expires == clock.at + timedelta(seconds=600)
    clock.at += timedelta(seconds=599)
    assert tokens.verify(token).role is Role.AGENT
    clock.at += timedelta(seconds=1)
    with pytest.raises(InvalidToken, match="expired"):
        tokens.verify(token)


def test_a_changed_claim_or_another_secret_is_refused() -> None:
    tokens = AccessTokens(b"k" * 32, Clock(), 600)
    token, _ = tokens.mint("ines", Role.AUDITOR, None)
    version, claims, signature = token.split(".")
    promoted = AccessTokens(b"k" * 32, Clock(), 600).mint("ines", Role.ADMIN, None)[0].split(".")[1]
    with pytest.raises(InvalidToken, match="signature"):
        tokens.verify(f"{version}.{promoted}.{signature}")
    with pytest.raises(InvalidToken, match="signature"):
        AccessTokens(b"j" * 32, Clock(), 600).verify(token)
    for malformed in ("", "v1.x", "v2.a.b", f"{version}.{claims}"):
        with pytest.raises(InvalidToken, match="malformed"):
            tokens.verify(malformed)
