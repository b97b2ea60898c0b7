"""Agent commands (profile, presence, leaderboard consent) and the agent's current state."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from api.access import CurrentUser, allow, require_own_agent
from api.dependencies import get_container
from api.schemas.agents import (
    AgentCreate,
    AgentPublic,
    ExtensionIn,
    LeaderboardConsentIn,
    PresenceIn,
    RenameIn,
    SkillIn,
    TeamIn,
)
from api.writes import WriteAccepted, command_context, write_response
from contact_center.agents import AgentService
from contact_center.bootstrap import Container
from contact_center.commands import CommandContext
from contact_center.roles import HISTORY_READERS, MANAGERS, Role
from domain.agent import Agent

router = APIRouter(prefix="/api/v1/agents", tags=["agents"])
Ctx = Annotated[CommandContext, Depends(command_context)]


def agents(container: Annotated[Container, Depends(get_container)]) -> AgentService:
    return container.agents


Service = Annotated[AgentService, Depends(agents)]


@router.post("", status_code=201, response_model=WriteAccepted, dependencies=[allow(*MANAGERS)])
def onboard_agent(body: AgentCreate, ctx: Ctx, service: Service) -> JSONResponse:
    """Onboard an agent: offline, and pseudonymised on leaderboards until they consent."""
    result = service.onboard(ctx, body.display_name, body.login, body.team, body.extensions,
                             body.skills)
    return write_response(result, created_at=f"/api/v1/agents/{result.id}")


@router.put("/{agent_id}/presence", response_model=WriteAccepted,
            dependencies=[allow(Role.AGENT, *MANAGERS)])
def set_presence(agent_id: UUID, body: PresenceIn, ctx: Ctx, service: Service,
                 principal: CurrentUser) -> JSONResponse:
    """Set the presence (an agent sets only their own); repeating the current one stores
    nothing (``position`` is null)."""
    require_own_agent(principal, agent_id)
    return write_response(service.change_presence(ctx, agent_id, body.presence))


@router.post("/{agent_id}/rename", response_model=WriteAccepted, dependencies=[allow(*MANAGERS)])
def rename_agent(agent_id: UUID, body: RenameIn, ctx: Ctx, service: Service) -> JSONResponse:
    return write_response(service.rename(ctx, agent_id, body.display_name))


@router.post("/{agent_id}/extensions", response_model=WriteAccepted, dependencies=[allow(*MANAGERS)])
def add_extension(agent_id: UUID, body: ExtensionIn, ctx: Ctx, service: Service) -> JSONResponse:
    return write_response(service.add_extension(ctx, agent_id, body.extension))


@router.post("/{agent_id}/extensions/remove", response_model=WriteAccepted,
             dependencies=[allow(*MANAGERS)])
def remove_extension(agent_id: UUID, body: ExtensionIn, ctx: Ctx, service: Service) -> JSONResponse:
    return write_response(service.remove_extension(ctx, agent_id, body.extension))


@router.post("/{agent_id}/team", response_model=WriteAccepted, dependencies=[allow(*MANAGERS)])
def change_team(agent_id: UUID, body: TeamIn, ctx: Ctx, service: Service) -> JSONResponse:
    """Move the agent to a team, or out of every team with ``null``."""
    return write_response(service.change_team(ctx, agent_id, body.team))


@router.post("/{agent_id}/skills", response_model=WriteAccepted, dependencies=[allow(*MANAGERS)])
def add_skill(agent_id: UUID, body: SkillIn, ctx: Ctx, service: Service) -> JSONResponse:
    return write_response(service.add_skill(ctx, agent_id, body.skill))


@router.post("/{agent_id}/skills/remove", response_model=WriteAccepted, dependencies=[allow(*MANAGERS)])
def remove_skill(agent_id: UUID, body: SkillIn, ctx: Ctx, service: Service) -> JSONResponse:
    return write_response(service.remove_skill(ctx, agent_id, body.skill))


@router.post("/{agent_id}/leaderboard-consent", response_model=WriteAccepted,
             dependencies=[allow(Role.AGENT, Role.ADMIN)])
def record_leaderboard_consent(agent_id: UUID, body: LeaderboardConsentIn, ctx: Ctx,
                               service: Service, principal: CurrentUser) -> JSONResponse:
    """Grant or withdraw consent to appear by name on leaderboards: the agent's own choice
    (an admin may record one given on paper); supervisors may not."""
    require_own_agent(principal, agent_id)
    return write_response(service.record_leaderboard_consent(ctx, agent_id, body.granted))


@router.post("/{agent_id}/deactivate", response_model=WriteAccepted, dependencies=[allow(*MANAGERS)])
def deactivate_agent(agent_id: UUID, ctx: Ctx, service: Service) -> JSONResponse:
    """Take the agent offline for good; later writes are refused."""
    return write_response(service.deactivate(ctx, agent_id))


@router.get("/{agent_id}", response_model=AgentPublic, dependencies=[allow(*HISTORY_READERS)])
def get_agent(agent_id: UUID, service: Service) -> JSONResponse:
    agent = service.get(agent_id)
    body = agent_public(agent)
    return JSONResponse(body.model_dump(mode="json"), headers={"ETag": f'"{agent.version}"'})


def agent_public(agent: Agent) -> AgentPublic:
    return AgentPublic(
        id=agent.id, version=agent.version, display_name=agent.display_name, login=agent.login,
        team=agent.team, extensions=list(agent.extensions), skills=list(agent.skills),
        presence=agent.presence, leaderboard_consent=agent.leaderboard_consent,
        active=agent.active, created_at=agent.created_on, modified_at=agent.modified_on,
    )
