"""Agent aggregate: an employee who handles contacts.

Creation::

    Agent.onboard(id=UUID, display_name=str, login=str, team=str | None = None,
                  extensions=(), skills=(), actor=str, occurred_at=datetime)

A new agent is offline and has not consented to appear by name on
leaderboards.  Setting the presence, team, name or consent the agent already
has records no event (CTI systems repeat states).  A deactivated agent is
offline and takes no more writes (``AgentInactive``).  Agent events have
``customer_id = None``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Self
from uuid import UUID

from eventsourcing.domain import event

from domain import agent_events as ev
from domain.agent_profile import AgentProfile, Presence, checked_extension, checked_login
from domain.events import SwitchboardAggregate
from domain.validation import optional_text, require_text

_Profile = AgentProfile


class Agent(AgentProfile, SwitchboardAggregate):
    class_version = 1

    Onboarded = ev.Onboarded
    DisplayNameChanged = ev.DisplayNameChanged
    _on_display_name_changed = event(DisplayNameChanged)(_Profile._on_display_name_changed)
    ExtensionAdded = ev.ExtensionAdded
    _on_extension_added = event(ExtensionAdded)(_Profile._on_extension_added)
    ExtensionRemoved = ev.ExtensionRemoved
    _on_extension_removed = event(ExtensionRemoved)(_Profile._on_extension_removed)
    TeamChanged = ev.TeamChanged
    _on_team_changed = event(TeamChanged)(_Profile._on_team_changed)
    SkillAdded = ev.SkillAdded
    _on_skill_added = event(SkillAdded)(_Profile._on_skill_added)
    SkillRemoved = ev.SkillRemoved
    _on_skill_removed = event(SkillRemoved)(_Profile._on_skill_removed)
    PresenceChanged = ev.PresenceChanged
    LeaderboardConsentGranted = ev.LeaderboardConsentGranted
    LeaderboardConsentWithdrawn = ev.LeaderboardConsentWithdrawn
    Deactivated = ev.Deactivated

    @classmethod
    def onboard(
        cls,
        *,
        id: UUID,
        display_name: str,
        login: str,
        team: str | None = None,
        extensions: Iterable[str] = (),
        skills: Iterable[str] = (),
        actor: str,
        occurred_at: datetime,
    ) -> Self:
        return cls._create_with(
            cls.Onboarded,
            id=id,
            customer_id=None,
            actor=actor,
            occurred_at=occurred_at,
            display_name=require_text(display_name, "display_name"),
            login=checked_login(login),
            team=optional_text(team, "team"),
            extensions=_unique(checked_extension(e) for e in extensions),
            skills=_unique(require_text(s, "skills") for s in skills),
        )

    @event(Onboarded)
    def __init__(
        self,
        *,
        display_name: str,
        login: str,
        team: str | None,
        extensions: list[str],
        skills: list[str],
    ) -> None:
        self.display_name, self.login, self.team = display_name, login, team
        self.extensions, self.skills = list(extensions), list(skills)
        self.presence = Presence.OFFLINE
        self.leaderboard_consent = False
        self.active = True

    def change_presence(self, presence: Presence, *, actor: str, occurred_at: datetime) -> None:
        """Set the presence; the one the agent already has records nothing."""
        self._require_active()
        if presence is not self.presence:
            self._on_presence_changed(
                presence=presence.value,
                previous_presence=self.presence.value,
                actor=actor,
                occurred_at=occurred_at,
            )

    @event(PresenceChanged)
    def _on_presence_changed(
        self, *, presence: str, previous_presence: str, actor: str, occurred_at: datetime
    ) -> None:
        self.presence = Presence(presence)

    def grant_leaderboard_consent(self, *, actor: str, occurred_at: datetime) -> None:
        """Appear by name on leaderboards; granting again records nothing."""
        self._require_active()
        if not self.leaderboard_consent:
            self._on_leaderboard_consent_granted(actor=actor, occurred_at=occurred_at)

    def withdraw_leaderboard_consent(self, *, actor: str, occurred_at: datetime) -> None:
        """Appear pseudonymised again; withdrawing again records nothing."""
        self._require_active()
        if self.leaderboard_consent:
            self._on_leaderboard_consent_withdrawn(actor=actor, occurred_at=occurred_at)

    @event(LeaderboardConsentGranted)
    def _on_leaderboard_consent_granted(self, *, actor: str, occurred_at: datetime) -> None:
        self.leaderboard_consent = True

    @event(LeaderboardConsentWithdrawn)
    def _on_leaderboard_consent_withdrawn(self, *, actor: str, occurred_at: datetime) -> None:
        self.leaderboard_consent = False

    def deactivate(self, *, actor: str, occurred_at: datetime) -> None:
        self._require_active()
        self._on_deactivated(actor=actor, occurred_at=occurred_at)

    @event(Deactivated)
    def _on_deactivated(self, *, actor: str, occurred_at: datetime) -> None:
        self.active = False
        self.presence = Presence.OFFLINE


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
