"""Agent commands: load, call the domain, save. Business rules live in ``domain.agent``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from uuid import UUID, uuid4

from adapters.clock import Clock
from contact_center.commands import CommandContext, CommandRunner, WriteResult
from contact_center.stamps import Stamp, stamp
from domain.agent import Agent
from domain.agent_profile import Presence
from domain.errors import AgentInactive


def working_agent(runner: CommandRunner, agent_id: UUID, field: str,
                  read: Mapping[UUID, Agent] | None = None) -> Agent:
    """The agent a command names (answers, transfers, assignments): it must exist
    (``NotFound``, 404) and still work here (``AgentInactive``, 409). ``read``: agents a batch
    has read already."""
    agent = (read or {}).get(agent_id) or runner.load(Agent, agent_id)
    if not agent.active:
        raise AgentInactive(f"agent {agent_id} is deactivated", field=field)
    return agent


class AgentService:
    def __init__(self, runner: CommandRunner, clock: Clock) -> None:
        self.runner = runner
        self.clock = clock

    def onboard(
        self,
        ctx: CommandContext,
        display_name: str,
        login: str,
        team: str | None = None,
        extensions: list[str] | None = None,
        skills: list[str] | None = None,
    ) -> WriteResult:
        extensions, skills = list(extensions or ()), list(skills or ())
        payload = {"display_name": display_name, "login": login, "team": team,
                   "extensions": extensions, "skills": skills}

        def work() -> list[Agent]:
            agent = Agent.onboard(id=uuid4(), display_name=display_name, login=login, team=team,
                                  extensions=extensions, skills=skills, **stamp(ctx, self.clock))
            return [agent]

        return self.runner.run(ctx, "agent.onboard", payload, work)

    def rename(self, ctx: CommandContext, agent_id: UUID, display_name: str) -> WriteResult:
        return self._change(ctx, agent_id, "agent.rename", [display_name],
                            lambda agent, at: agent.rename(display_name, **at))

    def add_extension(self, ctx: CommandContext, agent_id: UUID, extension: str) -> WriteResult:
        return self._change(ctx, agent_id, "agent.add_extension", [extension],
                            lambda agent, at: agent.add_extension(extension, **at))

    def remove_extension(self, ctx: CommandContext, agent_id: UUID, extension: str) -> WriteResult:
        return self._change(ctx, agent_id, "agent.remove_extension", [extension],
                            lambda agent, at: agent.remove_extension(extension, **at))

    def change_team(self, ctx: CommandContext, agent_id: UUID, team: str | None) -> WriteResult:
        return self._change(ctx, agent_id, "agent.change_team", [team],
                            lambda agent, at: agent.change_team(team, **at))

    def add_skill(self, ctx: CommandContext, agent_id: UUID, skill: str) -> WriteResult:
        return self._change(ctx, agent_id, "agent.add_skill", [skill],
                            lambda agent, at: agent.add_skill(skill, **at))

    def remove_skill(self, ctx: CommandContext, agent_id: UUID, skill: str) -> WriteResult:
        return self._change(ctx, agent_id, "agent.remove_skill", [skill],
                            lambda agent, at: agent.remove_skill(skill, **at))

    def change_presence(self, ctx: CommandContext, agent_id: UUID, presence: Presence) -> WriteResult:
        return self._change(ctx, agent_id, "agent.change_presence", [presence],
                            lambda agent, at: agent.change_presence(presence, **at))

    def record_leaderboard_consent(self, ctx: CommandContext, agent_id: UUID, granted: bool) -> WriteResult:
        def change(agent: Agent, at: Stamp) -> None:
            if granted:
                agent.grant_leaderboard_consent(**at)
            else:
                agent.withdraw_leaderboard_consent(**at)

        return self._change(ctx, agent_id, "agent.record_leaderboard_consent", [granted], change)

    def deactivate(self, ctx: CommandContext, agent_id: UUID) -> WriteResult:
        return self._change(ctx, agent_id, "agent.deactivate", [],
                            lambda agent, at: agent.deactivate(**at))

    def get(self, agent_id: UUID, expected_version: int | None = None) -> Agent:
        return self.runner.load(Agent, agent_id, expected_version)

    def _change(
        self, ctx: CommandContext, agent_id: UUID, command: str, args: list[Any],
        change: Callable[[Agent, Stamp], None],
    ) -> WriteResult:
        def work() -> list[Agent]:
            agent = self.get(agent_id, ctx.expected_version)
            change(agent, stamp(ctx, self.clock))
            return [agent]

        return self.runner.run(ctx, command, [agent_id, *args], work)
