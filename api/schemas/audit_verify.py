"""The answer of the hash-chain verification endpoint."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field


class ChainBreakOut(BaseModel):
    position: int | None = Field(description="global log position of the first broken link")
    aggregate_id: UUID | None
    version: int | None
    problem: str = Field(description="what is wrong: changed, removed, moved, inserted, missing")


class ChainVerificationOut(BaseModel):
    ok: bool = Field(description="both chains and every signed checkpoint verify")
    events: int = Field(description="events walked")
    checkpoints: int = Field(description="signed checkpoints checked")
    first_break: ChainBreakOut | None
    verified_at: datetime
    seconds: float = Field(description="how long the walk took")
