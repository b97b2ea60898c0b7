"""Request and response bodies of the agent endpoints (never events or aggregates)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from domain.agent_profile import Presence

Extension = Annotated[str, Field(min_length=1, max_length=64,
                                 description="a dial string: 1001, SIP/1001, *45")]
Skill = Annotated[str, Field(min_length=1, max_length=100)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AgentCreate(Strict):
    display_name: str = Field(min_length=1, max_length=200)
    login: str = Field(min_length=1, max_length=100)
    team: str | None = Field(default=None, min_length=1, max_length=100)
    extensions: list[Extension] = Field(default_factory=list, max_length=20)
    skills: list[Skill] = Field(default_factory=list, max_length=50)


class RenameIn(Strict):
    display_name: str = Field(min_length=1, max_length=200)


class ExtensionIn(Strict):
    extension: Extension


class TeamIn(Strict):
    team: str | None = Field(min_length=1, max_length=100, description="null leaves every team")


class SkillIn(Strict):
    skill: Skill


class PresenceIn(Strict):
    presence: Presence


class LeaderboardConsentIn(Strict):
    granted: bool = Field(strict=True, description="appear by name on leaderboards")


class AgentPublic(BaseModel):
    id: UUID
    version: int
    display_name: str
    login: str
    team: str | None
    extensions: list[str]
    skills: list[str]
    presence: Presence
    leaderboard_consent: bool
    active: bool
    created_at: datetime
    modified_at: datetime
