"""Request and response bodies of login and ``/auth/me``."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from contact_center.passwords import MAX_LENGTH
from contact_center.roles import Role


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=MAX_LENGTH)


class MeOut(BaseModel):
    username: str
    role: Role
    agent_id: UUID | None = Field(description="the agent an agent user is; null for other roles")


class LoginOut(MeOut):
    access_token: str = Field(description="send as `Authorization: Bearer`; websockets also take `?token=`")
    token_type: str = "bearer"  # noqa: S105 - the scheme, not a secret
    expires_at: datetime


class WhoAmIOut(MeOut):
    expires_at: datetime | None = Field(description="when the credential expires; null for API keys")
