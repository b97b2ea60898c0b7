"""Gamification: leaderboards per period and team, each agent's points explained, badges.

Agents who have not consented appear as an alias without their id. Admins see every name;
with ``as_agent=<id>`` what that agent sees (their own name, others as consented). An agent
sees their own name; supervisors and auditors see the pseudonymised view, in which a
non-consenting agent's points and badges answer 403.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Query

from api.access import AccessDenied, CurrentUser, allow
from api.dependencies import get_container
from api.moments import InCalendar
from api.schemas.leaderboards import (
    AgentBadgesOut,
    BadgeOut,
    ExplanationOut,
    LeaderboardOut,
    LeaderboardRowOut,
    PeriodOut,
    PointOut,
    StreakOut,
    TeamRowOut,
)
from contact_center.bootstrap import Container
from contact_center.leaderboard_views import PUBLIC, Period, Span, Viewer
from contact_center.leaderboards import Leaderboard, LeaderboardService, NotVisible
from contact_center.roles import HISTORY_READERS, Role
from domain.errors import InvalidValue

router = APIRouter(prefix="/api/v1", tags=["gamification"], dependencies=[allow(*HISTORY_READERS)])
T = TypeVar("T")
MinPosition = Annotated[int | None, Query(ge=0, description="wait until this write is applied")]
At = Annotated[datetime | None, InCalendar,
               Query(description="a moment in the period (with offset); default now")]


def leaderboards(container: Annotated[Container, Depends(get_container)]) -> LeaderboardService:
    return container.leaderboards


def viewer(
    principal: CurrentUser,
    as_agent: Annotated[UUID | None, Query(description="admins only: view as this agent")] = None,
) -> Viewer:
    """Admins see every name (or, with ``as_agent``, what that agent sees); an agent sees their
    own name and those who consented; supervisors and auditors see consented names only, as
    the wallboard on the floor does."""
    if as_agent is not None and principal.role is not Role.ADMIN:
        raise AccessDenied(403, "only admins may view as another agent")
    if principal.role is Role.ADMIN:
        return Viewer(admin=as_agent is None, agent_id=as_agent)
    if principal.role is Role.AGENT:
        return Viewer(agent_id=principal.agent_id)
    return PUBLIC


Service = Annotated[LeaderboardService, Depends(leaderboards)]
Seen = Annotated[Viewer, Depends(viewer)]


@router.get("/leaderboards", response_model=LeaderboardOut)
def leaderboard(service: Service, seen: Seen, period: Period = Period.DAY,
                team: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
                at: At = None, min_position: MinPosition = None) -> LeaderboardOut:
    """Agents and teams ranked by points in the day, week or month containing `at`."""
    board = service.leaderboard(period, at=_aware(at), team=team, viewer=seen, min_position=min_position)
    return leaderboard_out(board)


def leaderboard_out(board: Leaderboard) -> LeaderboardOut:
    """The response body of a leaderboard (live, or replayed for an audit)."""
    return LeaderboardOut(
        rules_version=board.board.version.rules_version, caught_up=board.board.caught_up,
        **_period(board.span, board.board.version.time_zone),
        agents=[LeaderboardRowOut(rank=r.rank, agent_id=r.agent_id, alias=r.alias,
                                  display_name=r.display_name, team=r.team, points=r.points,
                                  badges=r.badges) for r in board.agents],
        teams=[TeamRowOut(rank=t.rank, team=t.team, points=t.points, agents=t.agents)
               for t in board.teams])


@router.get("/agents/{agent_id}/points/explain", response_model=ExplanationOut)
def explain(agent_id: UUID, service: Service, seen: Seen, period: Period = Period.DAY,
            at: At = None, min_position: MinPosition = None) -> ExplanationOut:
    """Every point of the agent in the period, with the event and the rule that gave it."""
    found = _visible(lambda: service.explain(agent_id, period, at=_aware(at), viewer=seen,
                                             min_position=min_position))
    points = [PointOut(event_id=p.row.event_id, event_type=p.row.event_type, earned_at=p.row.earned_at,
                       rule_id=p.row.rule_id, rule=p.description, points=p.row.points)
              for p in found.points]
    return ExplanationOut(rules_version=found.board.version.rules_version,
                          caught_up=found.board.caught_up,
                          **_period(found.span, found.board.version.time_zone), agent_id=agent_id,
                          total=sum(p.points for p in points), points=points)


@router.get("/agents/{agent_id}/badges", response_model=AgentBadgesOut)
def badges(agent_id: UUID, service: Service, seen: Seen, at: At = None,
           min_position: MinPosition = None) -> AgentBadgesOut:
    """The agent's badges with when they were earned, and their streaks."""
    found = _visible(lambda: service.badges(agent_id, at=_aware(at), viewer=seen,
                                            min_position=min_position))
    return AgentBadgesOut(
        rules_version=found.board.version.rules_version, caught_up=found.board.caught_up,
        agent_id=agent_id,
        badges=[BadgeOut(id=badge.id, name=badge.name, description=badge.description, kind=badge.kind,
                         earned_at=row.earned_at, earned_on=row.day, event_id=row.event_id)
                for badge, row in found.badges],
        streaks=[StreakOut(id=s.streak.id, name=s.streak.name, min_points=s.streak.min_points,
                           current=s.current, best=s.best, last_day=s.last_day) for s in found.streaks])


def _aware(at: datetime | None) -> datetime | None:
    if at is not None and at.tzinfo is None:
        raise InvalidValue("at needs a UTC offset, e.g. 2024-03-04T12:00:00+01:00", field="at")
    return at


def _period(window: Span, time_zone: str) -> dict[str, Any]:
    return PeriodOut(period=window.period, time_zone=time_zone, starts_at=window.starts_at,
                     ends_at=window.ends_at).model_dump()


def _visible(read: Callable[[], T]) -> T:
    try:
        return read()
    except NotVisible as error:
        raise HTTPException(403, error.message) from error
