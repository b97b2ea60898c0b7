"""Response bodies of the gamification endpoints (never read-model rows or rules objects)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, Field

from contact_center.leaderboard_views import Period


class BoardVersionOut(BaseModel):
    rules_version: int = Field(description="the version of the rules file the numbers come from")
    caught_up: bool = Field(description="false while the first build of any version is still replaying")


class PeriodOut(BaseModel):
    period: Period
    time_zone: str
    starts_at: datetime
    ends_at: datetime = Field(description="exclusive")


class LeaderboardRowOut(BaseModel):
    rank: int = Field(description="equal points share a rank (1, 2, 2, 4)")
    agent_id: UUID | None = Field(description="null when the agent is shown pseudonymised")
    alias: str | None = Field(description="the stable alias of an agent who has not consented")
    display_name: str = Field(description="the agent's name, or their alias")
    team: str | None
    points: int
    badges: int = Field(description="badges earned before the end of the period")


class TeamRowOut(BaseModel):
    rank: int
    team: str
    points: int = Field(description="the period's points of the team's current members")
    agents: int


class LeaderboardOut(BoardVersionOut, PeriodOut):
    agents: list[LeaderboardRowOut]
    teams: list[TeamRowOut]


class PointOut(BaseModel):
    event_id: str = Field(description="CloudEvents id of the event that earned it")
    event_type: str = Field(description="versionless, e.g. switchboard.interaction.call_answered")
    earned_at: datetime
    rule_id: str
    rule: str = Field(description="the rule's description")
    points: int


class ExplanationOut(BoardVersionOut, PeriodOut):
    agent_id: UUID
    total: int
    points: list[PointOut]


class BadgeOut(BaseModel):
    id: str
    name: str
    description: str
    kind: str = Field(description="count, streak or perfect_week")
    earned_at: datetime = Field(description="the completing award's time; local midnight of the "
                                            "completing day for streak and perfect-week badges")
    earned_on: date = Field(description="local day")
    event_id: str | None = Field(description="the award that completed a count badge")


class StreakOut(BaseModel):
    id: str
    name: str
    min_points: int = Field(description="points to earn in a day to meet the target")
    current: int = Field(description="days in the run ending today or yesterday; 0 when broken")
    best: int
    last_day: date | None = Field(description="the latest day the target was met")


class AgentBadgesOut(BoardVersionOut):
    agent_id: UUID
    badges: list[BadgeOut]
    streaks: list[StreakOut]
