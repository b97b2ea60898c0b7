"""Request and response bodies of agent-token minting."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from contact_center.agent_tokens import MAX_TTL_SECONDS


class AgentTokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ttl_seconds: int | None = Field(default=None, ge=1, le=MAX_TTL_SECONDS, strict=True,
                                    description="lifetime; default SWITCHBOARD_AGENT_TOKEN_TTL_SECONDS")


class AgentTokenPublic(BaseModel):
    agent_id: UUID
    token: str = Field(description="for `Authorization: Bearer` or `?token=` on /ws/agent")
    expires_at: datetime
