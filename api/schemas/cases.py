"""Request and response bodies of the case endpoints (never events or aggregates)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from domain.case_values import CaseKind, CaseStatus, Priority
from domain.sla import SlaState

# A year: longer targets are typos, and they keep deadline arithmetic far from overflow.
MAX_SLA_MINUTES = 525_600
MAX_ESCALATION_LEVEL = 10


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CaseCreate(Strict):
    kind: CaseKind
    category: str = Field(min_length=1, max_length=100)
    priority: Priority = Priority.NORMAL
    summary: str = Field(min_length=1, max_length=2000)
    customer_id: UUID
    first_response_minutes: int = Field(strict=True, ge=1, le=MAX_SLA_MINUTES)
    resolution_minutes: int = Field(strict=True, ge=1, le=MAX_SLA_MINUTES)
    origin_interaction_id: UUID | None = None


class AssignIn(Strict):
    agent_id: UUID


class EscalateIn(Strict):
    level: int = Field(strict=True, ge=1, le=MAX_ESCALATION_LEVEL,
                       description="1 = first level above normal handling")
    reason: str = Field(min_length=1, max_length=1000)


class FirstResponseIn(Strict):
    interaction_id: UUID | None = Field(default=None, description="the contact that answered")


class NoteIn(Strict):
    note: str = Field(min_length=1, max_length=5000)


class ReasonIn(Strict):
    reason: str = Field(min_length=1, max_length=1000)


class ResolveIn(Strict):
    resolution_code: str = Field(min_length=1, max_length=100)
    first_contact_resolution: bool = Field(strict=True)


class SatisfactionIn(Strict):
    score: int = Field(strict=True, ge=1, le=5, description="CSAT, 1 (poor) to 5 (excellent)")


class CaseSlaOut(BaseModel):
    response: SlaState
    resolution: SlaState


class CasePublic(BaseModel):
    id: UUID
    version: int
    kind: CaseKind
    status: CaseStatus
    category: str
    priority: Priority
    summary: str
    customer_id: UUID
    origin_interaction_id: UUID | None
    assignee: UUID | None
    escalation_level: int
    first_response_minutes: int
    resolution_minutes: int
    opened_at: datetime
    first_response_due: datetime
    resolution_due: datetime
    first_responded_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    resolution_code: str | None
    first_contact_resolution: bool | None
    satisfaction_score: int | None
    reopen_count: int
    notes: list[str]
    sla: CaseSlaOut = Field(description="how the deadlines stand now")
    modified_at: datetime
