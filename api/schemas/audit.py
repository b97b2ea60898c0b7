"""Schemas of the audit endpoints: aggregates as of a point in time, histories, access logs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas.agents import AgentPublic
from api.schemas.cases import CasePublic
from api.schemas.customers import CustomerPublic
from api.schemas.interactions import InteractionPublic
from api.schemas.leaderboards import LeaderboardOut

AS_OF = "the instant the state is shown at: the one asked for, or when the version asked for was recorded"


class CustomerAsOf(CustomerPublic):
    """The customer as it stood then; ``version`` is the last event applied."""

    as_of: datetime = Field(description=AS_OF)


class CaseAsOf(CasePublic):
    """The case as it stood then, its SLA measured at ``as_of``."""

    as_of: datetime = Field(description=AS_OF)


class AgentAsOf(AgentPublic):
    as_of: datetime = Field(description=AS_OF)


class InteractionAsOf(InteractionPublic):
    as_of: datetime = Field(description=AS_OF)


class LeaderboardAsOf(LeaderboardOut):
    """The standings of the period containing ``as_of``, replayed from the stored events that
    had occurred by then with the configured rules (``rules_version``); every agent named."""

    as_of: datetime = Field(description="the instant asked for")
    position: int = Field(description="the last log position the replay read up to")
    events_applied: int = Field(description="events of the kinds the rules read that had occurred by as_of")


class FieldChangeOut(BaseModel):
    before: Any
    after: Any


class HistoryEntryOut(BaseModel):
    position: int = Field(description="global log position of the event")
    aggregate_id: UUID
    aggregate: str = Field(description="customer, interaction or case")
    version: int
    type: str = Field(description="event type, as in docs/events.md")
    occurred_at: datetime
    actor: str
    channel: str | None = Field(description="the interaction's channel; null for other aggregates")
    changes: dict[str, FieldChangeOut] = Field(
        description="each state field the event changed (dotted path), before and after")


class HistoryPageOut(BaseModel):
    customer_id: UUID
    items: list[HistoryEntryOut]
    next_cursor: int | None = Field(description="pass as `cursor` for the next page; null on the last")


class AccessLogEntryOut(BaseModel):
    viewer: str
    what: str
    subject_id: UUID | None
    query: dict[str, str]
    occurred_at: datetime


class AccessLogOut(BaseModel):
    subject_id: UUID
    entries: list[AccessLogEntryOut]


class AccessLogDayOut(BaseModel):
    day: date
    entries: list[AccessLogEntryOut]
