"""Agent invariants: presence, extensions, team, skills, consent, deactivation."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TypedDict
from uuid import uuid4

import pytest

from domain.agent import Agent
from domain.agent_profile import Presence
from domain.errors import AgentInactive, AlreadyPresent, InvalidValue, NotPresent

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


class Stamp(TypedDict):
    actor: str
    occurred_at: datetime


NOW: Stamp = {"actor": "supervisor", "occurred_at": T0}


def onboarded() -> Agent:
    agent = Agent.onboard(
        id=uuid4(),
        display_name="Grace",
        login="grace",
        team="red",
        extensions=["1001", " 1001 ", "SIP/2001"],
        skills=["billing"],
        **NOW,
    )
    agent.collect_events()
    return agent


def test_onboarding_starts_offline_without_leaderboard_consent() -> None:
    agent = onboarded()
    assert agent.presence is Presence.OFFLINE
    assert not agent.leaderboard_consent
    assert agent.extensions == ["1001", "SIP/2001"]
    assert agent.active


def test_presence_changes_record_the_previous_presence() -> None:
    agent = onboarded()
    agent.change_presence(Presence.AVAILABLE, **NOW)
    agent.change_presence(Presence.AVAILABLE, **NOW)
    agent.change_presence(Presence.WRAP_UP, **NOW)
    events = agent.collect_events()
    assert len(events) == 2
    assert isinstance(events[1], Agent.PresenceChanged)
    assert (events[1].presence, events[1].previous_presence) == ("wrap_up", "available")
    assert agent.presence is Presence.WRAP_UP


def test_extensions_are_added_and_removed_once() -> None:
    agent = onboarded()
    agent.add_extension("1002", **NOW)
    with pytest.raises(AlreadyPresent):
        agent.add_extension(" 1002", **NOW)
    agent.remove_extension("1001", **NOW)
    with pytest.raises(NotPresent):
        agent.remove_extension("1001", **NOW)
    with pytest.raises(InvalidValue):
        agent.add_extension("10 02", **NOW)
    assert agent.extensions == ["SIP/2001", "1002"]


def test_skills_are_added_and_removed_once() -> None:
    agent = onboarded()
    agent.add_skill("french", **NOW)
    with pytest.raises(AlreadyPresent):
        agent.add_skill("french", **NOW)
    agent.remove_skill("billing", **NOW)
    with pytest.raises(NotPresent):
        agent.remove_skill("billing", **NOW)
    assert agent.skills == ["french"]


def test_unchanged_team_name_or_consent_records_nothing() -> None:
    agent = onboarded()
    agent.change_team("red", **NOW)
    agent.rename("Grace", **NOW)
    agent.withdraw_leaderboard_consent(**NOW)
    assert agent.collect_events() == []
    agent.change_team(None, **NOW)
    agent.grant_leaderboard_consent(**NOW)
    agent.grant_leaderboard_consent(**NOW)
    assert len(agent.collect_events()) == 2
    assert agent.team is None
    assert agent.leaderboard_consent


def test_a_deactivated_agent_is_offline_and_takes_no_writes() -> None:
    agent = onboarded()
    agent.change_presence(Presence.BUSY, **NOW)
    agent.deactivate(**NOW)
    assert agent.presence is Presence.OFFLINE
    assert not agent.active
    with pytest.raises(AgentInactive):
        agent.change_presence(Presence.AVAILABLE, **NOW)
    with pytest.raises(AgentInactive):
        agent.deactivate(**NOW)


def test_a_login_is_one_word() -> None:
    for login in ("grace hopper", "grace\thopper", "  "):
        with pytest.raises(InvalidValue) as refused:
            Agent.onboard(id=uuid4(), display_name="Grace", login=login, **NOW)
        assert refused.value.field == "login"
    assert Agent.onboard(id=uuid4(), display_name="Grace", login=" grace@example.com ", **NOW).login == (
        "grace@example.com")
