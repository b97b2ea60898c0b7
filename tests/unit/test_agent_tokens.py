"""Agent tokens: signed, expiring, bound to one agent and one secret."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from contact_center.agent_tokens import AgentTokens, InvalidAgentToken
from domain.errors import InvalidValue


class Clock:
    def __init__(self) -> None:
        self.at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at


def test_a_token_names_its_agent_until_it_expires() -> None:
    clock, agent = Clock(), uuid4()
    tokens = AgentTokens(b"k" * 32, clock, default_ttl=600)
    token, claims = tokens.mint(agent)
    assert token.split(".")[:2] == [str(agent), str(claims.expires_at)]
    assert tokens.verify(token) == claims
    assert claims.expires == clock.at + timedelta(seconds=600)
    clock.at += timedelta(seconds=599)
    assert tokens.verify(token).agent_id == agent
    clock.at += timedelta(seconds=1)
    with pytest.raises(InvalidAgentToken, match="expired"):
        tokens.verify(token)


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature
    lambda t: str(uuid4()) + t[t.index("."):],  # another agent
    lambda t: t.replace(".", ".9", 1),  # a later expiry
    lambda t: t.rsplit(".", 1)[0],  # no signature
    lambda t: "",
])
def test_a_changed_token_is_refused(mangle: Callable[[str], str]) -> None:
    tokens = AgentTokens(b"k" * 32, Clock(), default_ttl=600)
    token, _ = tokens.mint(uuid4())
    with pytest.raises(InvalidAgentToken):
        tokens.verify(mangle(token))


def test_another_secret_refuses_it_and_lifetimes_are_bounded() -> None:
    token, _ = AgentTokens(b"k" * 32, Clock(), 600).mint(uuid4())
    with pytest.raises(InvalidAgentToken, match="signature"):
        AgentTokens(b"j" * 32, Clock(), 600).verify(token)
    for ttl in (0, 24 * 3600 + 1):
        with pytest.raises(InvalidValue):
            AgentTokens(b"k" * 32, Clock(), 600).mint(uuid4(), ttl)
