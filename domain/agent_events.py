"""Events of the Agent aggregate (payloads only).

Agents are employees: their name and login are personal data too.
"""

from __future__ import annotations

from typing import ClassVar

from domain.events import SwitchboardAggregate

_NAME = frozenset({"display_name"})


class Onboarded(SwitchboardAggregate.Created):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = _NAME | {"login"}
    display_name: str
    login: str
    team: str | None
    extensions: list[str]
    skills: list[str]


class DisplayNameChanged(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = _NAME
    display_name: str


class ExtensionAdded(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    extension: str


class ExtensionRemoved(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    extension: str


class TeamChanged(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    team: str | None
    previous_team: str | None


class SkillAdded(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    skill: str


class SkillRemoved(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    skill: str


class PresenceChanged(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
    presence: str
    previous_presence: str


class LeaderboardConsentGranted(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()


class LeaderboardConsentWithdrawn(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()


class Deactivated(SwitchboardAggregate.Event):
    class_version = 1
    personal_fields: ClassVar[frozenset[str]] = frozenset()
