"""Short-lived signed access tokens: who the bearer is, in which role, until when.

A token is ``v1.<claims>.<signature>``: the claims are unpadded base64url of compact JSON
(``u`` username, ``r`` role, ``a`` agent id or null, ``e`` expiry in unix seconds), the
signature the unpadded base64url HMAC-SHA256 of ``v1.<claims>`` under a secret derived from
the master key. Nothing is stored: any API process holding the secret verifies any token, and a
token dies at its expiry (or when the secret changes), so they are kept short.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from adapters.clock import Clock
from contact_center.errors import ApplicationError
from contact_center.roles import Role

VERSION = "v1"


class InvalidToken(ApplicationError):
    """Missing, malformed, forged or expired: the request is not authenticated."""


@dataclass(frozen=True)
class Principal:
    """Whoever a request acts for: a signed-in user, an API key's user, or an agent token."""

    username: str
    role: Role
    agent_id: UUID | None = None
    expires_at: int | None = None  # unix seconds; None for API keys, which live until revoked

    @property
    def actor(self) -> str:
        """How events and the access log name this principal: ``<role>:<username>``, the role
        it acted in at the time (an agent token's principal is already ``agent:<agent id>``)."""
        return self.username if ":" in self.username else f"{self.role.value}:{self.username}"

    @property
    def expires(self) -> datetime | None:
        return None if self.expires_at is None else datetime.fromtimestamp(self.expires_at, UTC)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class AccessTokens:
    def __init__(self, secret: bytes, clock: Clock, ttl_seconds: int) -> None:
        self._secret = secret
        self.clock = clock
        self.ttl_seconds = ttl_seconds

    def _sign(self, message: str) -> str:
        return _b64(hmac.new(self._secret, message.encode(), hashlib.sha256).digest())

    def mint(self, username: str, role: Role, agent_id: UUID | None,
             ttl_seconds: int | None = None) -> tuple[str, Principal]:
        expires_at = int(self.clock.now().timestamp()) + (ttl_seconds or self.ttl_seconds)
        claims = {"u": username, "r": role.value, "a": None if agent_id is None else str(agent_id),
                  "e": expires_at}
        message = f"{VERSION}.{_b64(json.dumps(claims, separators=(',', ':')).encode())}"
        return f"{message}.{self._sign(message)}", Principal(username, role, agent_id, expires_at)

    def verify(self, token: str) -> Principal:
        parts = token.split(".")
        if len(parts) != 3 or parts[0] != VERSION:
            raise InvalidToken("malformed access token")
        message = f"{parts[0]}.{parts[1]}"
        if not hmac.compare_digest(parts[2].encode(), self._sign(message).encode()):
            raise InvalidToken("access token signature does not match")
        try:
            claims = json.loads(_unb64(parts[1]))
            agent = claims["a"]
            principal = Principal(str(claims["u"]), Role(claims["r"]),
                                  None if agent is None else UUID(agent), int(claims["e"]))
        except (ValueError, KeyError, TypeError, binascii.Error) as exc:
            raise InvalidToken("malformed access token") from exc
        assert principal.expires_at is not None
        if principal.expires_at <= self.clock.now().timestamp():
            raise InvalidToken("access token expired")
        return principal
