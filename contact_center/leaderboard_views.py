"""Who sees what on a leaderboard, the periods it covers, and how ties rank.

Agents who have not consented to appear by name are shown as a stable alias ("Agent
KQ4T7ZP2", a keyed hash of their id) without their id, to everyone but themselves and
admins. Until user roles exist the viewer is the admin token, optionally acting as one agent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from uuid import UUID
from zoneinfo import ZoneInfo


class Period(StrEnum):
    DAY = "day"
    WEEK = "week"  # ISO week, Monday to Sunday
    MONTH = "month"


@dataclass(frozen=True)
class Span:
    """The local days ``[first, end)`` of a period, and the moments they start and end."""

    period: Period
    first: date
    end: date
    starts_at: datetime
    ends_at: datetime


def span(period: Period, at: datetime, zone: ZoneInfo) -> Span:
    """The period containing the moment ``at``, in the time zone ``zone``."""
    day = at.astimezone(zone).date()
    if period is Period.DAY:
        first, end = day, day + timedelta(days=1)
    elif period is Period.WEEK:
        first = day - timedelta(days=day.weekday())
        end = first + timedelta(days=7)
    else:
        first = day.replace(day=1)
        end = (first + timedelta(days=32)).replace(day=1)
    return Span(period, first, end, datetime.combine(first, time(), tzinfo=zone),
                datetime.combine(end, time(), tzinfo=zone))


@dataclass(frozen=True)
class Viewer:
    admin: bool = False
    agent_id: UUID | None = None

    def sees_name_of(self, agent_id: UUID, consent: bool) -> bool:
        return consent or self.admin or agent_id == self.agent_id


PUBLIC = Viewer()  # no token: every agent who has not consented is pseudonymised


class AgentAliases:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret
        self._known: dict[UUID, str] = {}  # a wallboard asks for every agent after every commit

    def __call__(self, agent_id: UUID) -> str:
        alias = self._known.get(agent_id)
        if alias is None:
            digest = hmac.new(self._secret, agent_id.bytes, hashlib.sha256).digest()
            alias = self._known[agent_id] = "Agent " + base64.b32encode(digest).decode()[:8]
        return alias


def competition_ranks(points: list[int]) -> list[int]:
    """Ranks of scores already sorted best first: equal scores share a rank, and the next
    rank skips as many places (1, 2, 2, 4)."""
    ranks: list[int] = []
    for place, score in enumerate(points, start=1):
        ranks.append(ranks[-1] if ranks and points[place - 2] == score else place)
    return ranks
