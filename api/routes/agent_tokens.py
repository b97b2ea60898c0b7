"""Agent tokens for the push socket, minted by an admin until user accounts exist."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Response

from api.access import allow
from api.dependencies import get_container
from api.schemas.agent_tokens import AgentTokenPublic, AgentTokenRequest
from contact_center.agent_tokens import AgentTokenService
from contact_center.bootstrap import Container
from contact_center.roles import Role

router = APIRouter(prefix="/api/v1/agents", tags=["agents"], dependencies=[allow(Role.ADMIN)])


def agent_tokens(container: Annotated[Container, Depends(get_container)]) -> AgentTokenService:
    return container.agent_tokens


@router.post("/{agent_id}/token", status_code=201, response_model=AgentTokenPublic)
def mint_agent_token(agent_id: UUID, response: Response,
                     service: Annotated[AgentTokenService, Depends(agent_tokens)],
                     body: AgentTokenRequest | None = None) -> AgentTokenPublic:
    """A short-lived token that opens `/ws/agent` for this agent (admin only).
    404 for an unknown agent, 409 for a deactivated one."""
    token, claims = service.issue(agent_id, None if body is None else body.ttl_seconds)
    response.headers["Cache-Control"] = "no-store"
    return AgentTokenPublic(agent_id=agent_id, token=token, expires_at=claims.expires)
