"""Response bodies of the case queue (never events or read-model rows)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas.cases import CaseSlaOut
from domain.case_values import CaseKind, CaseStatus, Priority


class QueuedCaseOut(BaseModel):
    id: UUID
    customer_id: UUID
    kind: CaseKind
    queue: str = Field(description="the case's category")
    priority: Priority
    status: CaseStatus
    assignee: UUID | None
    escalation_level: int
    opened_at: datetime
    first_response_due: datetime
    resolution_due: datetime
    first_responded_at: datetime | None
    resolved_at: datetime | None
    next_due: datetime = Field(description="the deadline running now; the list is ordered by it")
    sla: CaseSlaOut = Field(description="how the deadlines stand now")
    breached: bool
    about_to_breach: bool


class CaseQueuePage(BaseModel):
    items: list[QueuedCaseOut]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null at the end")


class QueueCountsOut(BaseModel):
    queue: str
    open: int = Field(description="open and pending cases")
    breached: int
    about_to_breach: int
