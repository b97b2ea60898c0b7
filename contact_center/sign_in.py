"""Who is asking: passwords become short-lived access tokens; bearer credentials become principals.

A bearer credential is one of three: an access token from ``login`` (``v1.…``), an API key
(``sk_…``, resolved to its user's current role on every request), or an agent token minted by
an admin for one agent's push socket. Failed logins are counted per username and client; past
the limit the pair is refused until the window has moved on, whether or not the password is
right, so guessing costs the guesser time and not the user their account.
"""

from __future__ import annotations

import hmac
import math
from datetime import timedelta

from adapters.clock import Clock
from adapters.user_store import UserStore
from contact_center.access_tokens import AccessTokens, InvalidToken, Principal
from contact_center.agent_tokens import AgentTokens, InvalidAgentToken
from contact_center.errors import ApplicationError
from contact_center.passwords import Passwords
from contact_center.roles import Role
from contact_center.users import API_KEY_PREFIX, api_key_hash, normalise_username

WRONG_CREDENTIALS = "the username or password is not right"
_UNKNOWN_KEY_HASH = api_key_hash("no API key has this key id")


class InvalidCredentials(ApplicationError):
    """Wrong username or password: one message for both, so neither is confirmed."""

    def __init__(self) -> None:
        super().__init__(WRONG_CREDENTIALS)


class TooManyAttempts(ApplicationError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed logins: try again in {retry_after} s")
        self.retry_after = retry_after


class SignIn:
    def __init__(self, store: UserStore, passwords: Passwords, tokens: AccessTokens,
                 agent_tokens: AgentTokens, clock: Clock, *, max_failures: int,
                 window_seconds: int) -> None:
        self.store = store
        self.passwords = passwords
        self.tokens = tokens
        self.agent_tokens = agent_tokens
        self.clock = clock
        self.max_failures = max_failures
        self.window = timedelta(seconds=window_seconds)

    def login(self, username: str, password: str, client: str) -> tuple[str, Principal]:
        """An access token for the right password of an active user; otherwise
        :class:`InvalidCredentials`, or :class:`TooManyAttempts` past the failure limit."""
        name = normalise_username(username)[:200]
        now = self.clock.now()
        failures = self.store.recent_failures(name, client, now - self.window)
        if len(failures) >= self.max_failures:
            wait = failures[-self.max_failures] + self.window - now
            raise TooManyAttempts(max(1, math.ceil(wait.total_seconds())))
        user = self.store.user(name)
        stored_hash = user.password_hash if user is not None and user.active else None
        if user is None or not self.passwords.verify(stored_hash, password):
            self.store.record_failure(name, client, now, now - self.window)
            raise InvalidCredentials()
        if failures:
            self.store.clear_failures(name, client)
        return self.tokens.mint(user.username, Role(user.role), user.agent_id)

    def authenticate(self, credential: str | None) -> Principal:
        """The principal a bearer credential stands for; :class:`InvalidToken` otherwise."""
        if not credential:
            raise InvalidToken("sign in: send Authorization: Bearer <access token or API key>")
        if credential.startswith(API_KEY_PREFIX):
            return self._api_key(credential)
        if credential.startswith("v1."):
            return self.tokens.verify(credential)
        try:
            claims = self.agent_tokens.verify(credential)
        except InvalidAgentToken as exc:
            raise InvalidToken(exc.message.replace("agent token", "token")) from exc
        return Principal(f"agent:{claims.agent_id}", Role.AGENT, claims.agent_id, claims.expires_at)

    def _api_key(self, key: str) -> Principal:
        key_id = key[len(API_KEY_PREFIX):len(API_KEY_PREFIX) + 16]
        found = self.store.api_key(key_id) if len(key) < 200 else None
        expected = _UNKNOWN_KEY_HASH if found is None else found[0]
        if not hmac.compare_digest(api_key_hash(key), expected) or found is None or not found[1].active:
            raise InvalidToken("unknown or revoked API key")
        user = found[1]
        return Principal(user.username, Role(user.role), user.agent_id, None)
