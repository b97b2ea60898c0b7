"""Agent state, its guard, and the commands for name, extensions, team and
skills.

Part of :class:`domain.agent.Agent`, which binds the ``_on_*`` appliers.
Adding what is there raises ``AlreadyPresent``, removing what is not raises
``NotPresent``; setting the team or name it already has records nothing.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from domain.errors import AgentInactive, AlreadyPresent, InvalidValue, NotPresent
from domain.validation import optional_text, require_text

_EXTENSION = re.compile(r"^[0-9A-Za-z*#+._@/:-]{1,64}$")


class Presence(StrEnum):
    AVAILABLE = "available"
    BUSY = "busy"
    WRAP_UP = "wrap_up"
    AWAY = "away"
    OFFLINE = "offline"


class AgentProfile:
    display_name: str
    login: str
    team: str | None
    extensions: list[str]
    skills: list[str]
    presence: Presence
    leaderboard_consent: bool
    active: bool

    def rename(self, display_name: str, *, actor: str, occurred_at: datetime) -> None:
        self._require_active()
        display_name = require_text(display_name, "display_name")
        if display_name != self.display_name:
            self._on_display_name_changed(
                display_name=display_name, actor=actor, occurred_at=occurred_at
            )

    def _on_display_name_changed(
        self, *, display_name: str, actor: str, occurred_at: datetime
    ) -> None:
        self.display_name = display_name

    def add_extension(self, extension: str, *, actor: str, occurred_at: datetime) -> None:
        self._require_active()
        extension = checked_extension(extension)
        if extension in self.extensions:
            raise AlreadyPresent("agent already has this extension", field="extension")
        self._on_extension_added(extension=extension, actor=actor, occurred_at=occurred_at)

    def _on_extension_added(self, *, extension: str, actor: str, occurred_at: datetime) -> None:
        self.extensions.append(extension)

    def remove_extension(self, extension: str, *, actor: str, occurred_at: datetime) -> None:
        self._require_active()
        if extension not in self.extensions:
            raise NotPresent("agent has no such extension", field="extension")
        self._on_extension_removed(extension=extension, actor=actor, occurred_at=occurred_at)

    def _on_extension_removed(self, *, extension: str, actor: str, occurred_at: datetime) -> None:
        self.extensions.remove(extension)

    def change_team(self, team: str | None, *, actor: str, occurred_at: datetime) -> None:
        self._require_active()
        team = optional_text(team, "team")
        if team != self.team:
            self._on_team_changed(
                team=team, previous_team=self.team, actor=actor, occurred_at=occurred_at
            )

    def _on_team_changed(
        self,
        *,
        team: str | None,
        previous_team: str | None,
        actor: str,
        occurred_at: datetime,
    ) -> None:
        self.team = team

    def add_skill(self, skill: str, *, actor: str, occurred_at: datetime) -> None:
        self._require_active()
        skill = require_text(skill, "skill")
        if skill in self.skills:
            raise AlreadyPresent("agent already has this skill", field="skill")
        self._on_skill_added(skill=skill, actor=actor, occurred_at=occurred_at)

    def _on_skill_added(self, *, skill: str, actor: str, occurred_at: datetime) -> None:
        self.skills.append(skill)

    def remove_skill(self, skill: str, *, actor: str, occurred_at: datetime) -> None:
        self._require_active()
        if skill not in self.skills:
            raise NotPresent("agent has no such skill", field="skill")
        self._on_skill_removed(skill=skill, actor=actor, occurred_at=occurred_at)

    def _on_skill_removed(self, *, skill: str, actor: str, occurred_at: datetime) -> None:
        self.skills.remove(skill)

    def _require_active(self) -> None:
        if not self.active:
            raise AgentInactive("agent is deactivated", field="active")


def checked_login(login: str) -> str:
    """The login a PBX names the agent by: one word (``emma``, ``emma@example.com``)."""
    value = require_text(login, "login")
    if any(c.isspace() for c in value):
        raise InvalidValue(f"{login!r} is not a login: no spaces", field="login")
    return value


def checked_extension(extension: str) -> str:
    """A dial string without spaces: ``1001``, ``SIP/1001``, ``*45``."""
    value = extension.strip()
    if not _EXTENSION.match(value):
        raise InvalidValue(f"{extension!r} is not an extension", field="extension")
    return value
