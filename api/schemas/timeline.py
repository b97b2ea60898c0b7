"""Response bodies of the customer timeline (caller history)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class FromRecord(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class NoteOut(FromRecord):
    text: str | None
    at: datetime
    actor: str


class CaseChangeOut(FromRecord):
    change: str = Field(description="opened, pending, resumed, assigned, escalated, resolved, closed, "
                                    "reopened")
    status: str = Field(description="the case's status after the change")
    agent_id: UUID | None
    reason: str | None
    at: datetime
    actor: str


class CaseOut(FromRecord):
    case_kind: str
    category: str
    priority: str
    summary: str | None
    escalation_level: int
    origin_interaction_id: UUID | None
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    first_contact_resolution: bool | None
    satisfaction_score: int | None
    changes: list[CaseChangeOut]


class ConsentOut(FromRecord):
    consent_channel: str
    purpose: str
    granted: bool
    source: str


class TimelineEntryOut(FromRecord):
    kind: Literal["interaction", "case", "consent"]
    id: str = Field(description="interaction or case id; a consent change as `<customer id>:<version>`")
    customer_id: UUID = Field(description="whose history: the customer or a duplicate merged into it")
    at: datetime = Field(description="when it started: ring, logging, opening or decision")
    actor: str
    channel: str | None = Field(description="call, email, chat, sms, social, letter or visit; a case "
                                            "has its origin interaction's")
    direction: str | None
    status: str | None
    outcome: str | None = Field(description="how an interaction finished, a case's resolution code, "
                                            "`granted` or `withdrawn`")
    agent_id: UUID | None = Field(description="the handling agent, or the case's assignee")
    queue: str | None
    from_address: str | None
    to_address: str | None
    subject: str | None
    answered_at: datetime | None
    ended_at: datetime | None
    wait_seconds: float | None
    talk_seconds: float | None
    hold_seconds: float | None
    wrap_up_code: str | None
    wrap_up_notes: str | None
    notes: list[NoteOut]
    case: CaseOut | None
    consent: ConsentOut | None


class TimelinePage(BaseModel):
    entries: list[TimelineEntryOut]
    next_cursor: str | None = Field(description="pass as `cursor` for the next (older) page; "
                                                "null on the last page")
