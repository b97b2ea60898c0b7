"""Agent commands: load, call the domain, save. Business rules live in ``domain.agent``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from uuid import UUID, uuid4

from adapters.clock import Clock
from contact_center.agent_handle_claims import Handle, HandleClaims, handles_of
from contact_center.commands import CommandContext, CommandRunner, WriteResult
from contact_center.stamps import Stamp, stamp
from domain.agent import Agent
from domain.agent_profile import Presence, checked_extension
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
    """``claims``: one agent per login and extension (:mod:`contact_center.agent_handle_claims`)."""

    def __init__(self, runner: CommandRunner, clock: Clock, claims: HandleClaims) -> None:
        self.runner = runner
        self.clock = clock
        self.claims = claims

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

        claimed: list[tuple[UUID, list[Handle]]] = []

        def work() -> list[Agent]:
            agent = Agent.onboard(id=uuid4(), display_name=display_name, login=login, team=team,
                                  extensions=extensions, skills=skills, **stamp(ctx, self.clock))
            handles = handles_of(agent.login, agent.extensions)  # once the values are checked
            self.claims.claim(agent.id, handles)
            claimed.append((agent.id, handles))
            return [agent]

        return self._claiming(lambda: self.runner.run(ctx, "agent.onboard", payload, work), claimed)

    def rename(self, ctx: CommandContext, agent_id: UUID, display_name: str) -> WriteResult:
        return self._change(ctx, agent_id, "agent.rename", [display_name],
                            lambda agent, at: agent.rename(display_name, **at))

    def add_extension(self, ctx: CommandContext, agent_id: UUID, extension: str) -> WriteResult:
        claimed: list[tuple[UUID, list[Handle]]] = []

        def add(agent: Agent, at: Stamp) -> None:
            agent.add_extension(extension, **at)
            handles = handles_of(None, [checked_extension(extension)])
            self.claims.claim(agent.id, handles)
            claimed.append((agent.id, handles))

        return self._claiming(
            lambda: self._change(ctx, agent_id, "agent.add_extension", [extension], add), claimed)

    def remove_extension(self, ctx: CommandContext, agent_id: UUID, extension: str) -> WriteResult:
        result = self._change(ctx, agent_id, "agent.remove_extension", [extension],
                              lambda agent, at: agent.remove_extension(extension, **at))
        self.claims.release(agent_id, handles_of(None, [checked_extension(extension)]))
        return result

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
        """The agent's login and extensions are free for others from now on."""
        let_go: list[Handle] = []

        def deactivate(agent: Agent, at: Stamp) -> None:
            agent.deactivate(**at)
            let_go[:] = handles_of(agent.login, agent.extensions)

        result = self._change(ctx, agent_id, "agent.deactivate", [], deactivate)
        self.claims.release(agent_id, let_go)
        return result

    def _claiming(self, run: Callable[[], WriteResult],
                  claimed: list[tuple[UUID, list[Handle]]]) -> WriteResult:
        """``run`` the command; its claims are let go when it is not stored after all."""
        try:
            return run()
        except Exception:
            for agent_id, handles in claimed:
                self.claims.release(agent_id, handles)
            raise

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
