"""Short-lived bearer tokens that let an agent's browser open its push socket.

A token is ``<agent id>.<expiry, unix seconds>.<signature>``, the signature being the
unpadded base64url HMAC-SHA256 of ``<agent id>.<expiry>`` under the agent-token secret.
Nothing is stored: any API process holding the secret verifies any token, and a token dies at
its expiry (or when the secret changes). They stand in for user accounts until those exist.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from adapters.clock import Clock
from contact_center.agents import AgentService
from contact_center.errors import ApplicationError
from domain.errors import AgentInactive, InvalidValue

MAX_TTL_SECONDS = 24 * 3600


class InvalidAgentToken(ApplicationError):
    """Missing, malformed, forged or expired."""


@dataclass(frozen=True)
class AgentClaims:
    agent_id: UUID
    expires_at: int  # unix seconds

    @property
    def expires(self) -> datetime:
        return datetime.fromtimestamp(self.expires_at, UTC)


def _sign(secret: bytes, message: str) -> str:
    digest = hmac.new(secret, message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class AgentTokens:
    def __init__(self, secret: bytes, clock: Clock, default_ttl: int) -> None:
        self._secret = secret
        self.clock = clock
        self.default_ttl = default_ttl

    def mint(self, agent_id: UUID, ttl: int | None = None) -> tuple[str, AgentClaims]:
        seconds = self.default_ttl if ttl is None else ttl
        if not 0 < seconds <= MAX_TTL_SECONDS:
            raise InvalidValue(f"a token lives between 1 and {MAX_TTL_SECONDS} seconds", field="ttl_seconds")
        claims = AgentClaims(agent_id, int(self.clock.now().timestamp()) + seconds)
        message = f"{agent_id}.{claims.expires_at}"
        return f"{message}.{_sign(self._secret, message)}", claims

    def verify(self, token: str | None) -> AgentClaims:
        if not token:
            raise InvalidAgentToken("an agent token is required")
        parts = token.split(".")
        if len(parts) != 3:
            raise InvalidAgentToken("malformed agent token")
        agent, expiry, signature = parts
        if not hmac.compare_digest(signature.encode(), _sign(self._secret, f"{agent}.{expiry}").encode()):
            raise InvalidAgentToken("agent token signature does not match")
        try:
            claims = AgentClaims(UUID(agent), int(expiry))
        except ValueError as exc:
            raise InvalidAgentToken("malformed agent token") from exc
        if claims.expires_at <= self.clock.now().timestamp():
            raise InvalidAgentToken("agent token expired")
        return claims


class AgentTokenService:
    """Issues tokens to agents that exist and are active."""

    def __init__(self, tokens: AgentTokens, agents: AgentService) -> None:
        self.tokens = tokens
        self.agents = agents

    def issue(self, agent_id: UUID, ttl: int | None = None) -> tuple[str, AgentClaims]:
        if not self.agents.get(agent_id).active:  # NotFound for an unknown agent
            raise AgentInactive("a deactivated agent gets no token", field="agent_id")
        return self.tokens.mint(agent_id, ttl)
