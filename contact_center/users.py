"""User accounts: create, reset a password, change a role, issue and revoke API keys.

Every change is written with an entry in the append-only ``user_changes`` log naming who made
it (docs/decisions/0005-users-and-roles.md says why accounts are rows, not events). An agent
user is tied to one Agent aggregate, which must exist; other roles have no agent.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from adapters.clock import Clock
from adapters.user_store import StoredUser, UserChange, UsernameTaken, UserStore
from contact_center.agents import AgentService
from contact_center.errors import NotFound
from contact_center.passwords import Passwords, generate_password
from contact_center.roles import Role
from domain.errors import InvalidValue

API_KEY_PREFIX = "sk_"
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")


class UserExists(InvalidValue):
    """Another account has that username."""


@dataclass(frozen=True)
class User:
    id: UUID
    username: str
    role: Role
    agent_id: UUID | None
    active: bool
    created_at: datetime


def normalise_username(raw: str) -> str:
    return raw.strip().casefold()


def api_key_hash(key: str) -> bytes:
    # API keys carry 256 random bits: a fast hash is enough, and lets every request check one.
    return hashlib.sha256(key.encode()).digest()


def as_user(stored: StoredUser) -> User:
    return User(stored.id, stored.username, Role(stored.role), stored.agent_id, stored.active,
                stored.created_at)


class UserService:
    def __init__(self, store: UserStore, passwords: Passwords, agents: AgentService, clock: Clock) -> None:
        self.store = store
        self.passwords = passwords
        self.agents = agents
        self.clock = clock

    def create(self, username: str, role: Role, *, password: str | None = None,
               agent_id: UUID | None = None, actor: str) -> User:
        """A new account. Without a password it signs in only by API key (integrations)."""
        name = normalise_username(username)
        if not USERNAME.match(name):
            raise InvalidValue(f"{username!r} is not a username: lower-case letters, digits . _ @ -, "
                               "at most 64", field="username")
        self._check_agent(role, agent_id)
        hashed = None if password is None else self.passwords.hash(password)
        now = self.clock.now()
        stored = StoredUser(uuid4(), name, role.value, agent_id, hashed, True, now)
        try:
            self.store.add(stored, self._change(stored.id, "created", actor,
                                                role=role.value, agent_id=_text(agent_id)))
        except UsernameTaken as exc:
            raise UserExists(str(exc), field="username") from exc
        return as_user(stored)

    def reset_password(self, username: str, password: str | None = None, *, actor: str) -> str:
        """Set a new password (a generated one when none is given); returns it."""
        user = self.get(username)
        new = password if password is not None else generate_password()
        self.store.update(user.id, self._change(user.id, "password_reset", actor),
                          password_hash=self.passwords.hash(new))
        return new

    def change_role(self, username: str, role: Role, *, agent_id: UUID | None = None, actor: str) -> User:
        user = self.get(username)
        self._check_agent(role, agent_id)
        self.store.update(user.id, self._change(user.id, "role_changed", actor, role=role.value,
                                                previous=user.role.value, agent_id=_text(agent_id)),
                          role=role.value, agent_id=agent_id)
        return self.get(username)

    def set_active(self, username: str, active: bool, *, actor: str) -> None:
        user = self.get(username)
        self.store.update(user.id, self._change(user.id, "enabled" if active else "disabled", actor),
                          active=active)

    def issue_api_key(self, username: str, *, actor: str) -> str:
        """A long-lived key acting as this user: ``sk_<key id>_<secret>``, shown once."""
        user = self.get(username)
        key_id = secrets.token_hex(8)
        key = f"{API_KEY_PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
        self.store.add_api_key(key_id, api_key_hash(key),
                               self._change(user.id, "api_key_issued", actor, key_id=key_id))
        return key

    def revoke_api_key(self, key_id: str, *, actor: str) -> None:
        owner = self.store.api_key_owner(key_id)
        if owner is None or not self.store.revoke_api_key(key_id, self._change(
                owner, "api_key_revoked", actor, key_id=key_id)):
            raise NotFound("live API key", key_id)

    def get(self, username: str) -> User:
        stored = self.store.user(normalise_username(username))
        if stored is None:
            raise NotFound("user", username)
        return as_user(stored)

    def all(self) -> list[User]:
        return [as_user(stored) for stored in self.store.users()]

    def history(self, username: str) -> list[UserChange]:
        return self.store.changes(self.get(username).id)

    def _check_agent(self, role: Role, agent_id: UUID | None) -> None:
        if role is Role.AGENT and agent_id is None:
            raise InvalidValue("an agent user needs the id of its agent", field="agent_id")
        if role is not Role.AGENT and agent_id is not None:
            raise InvalidValue(f"a {role.value} user is not an agent: give no agent id", field="agent_id")
        if agent_id is not None:
            self.agents.get(agent_id)  # NotFound for an unknown agent

    def _change(self, user_id: UUID, change: str, actor: str, **detail: Any) -> UserChange:
        return UserChange(user_id, change, detail, actor, self.clock.now())


def _text(value: UUID | None) -> str | None:
    return None if value is None else str(value)
