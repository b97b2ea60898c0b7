"""One agent per login and per extension (see :mod:`adapters.agent_handles`).

A handle another agent holds is refused (``AlreadyPresent``, 409) while that agent still has
it: the event store decides, not the row. A holder that was deactivated, that dropped the
extension since, or that was never stored (an onboarding that failed after its claim, once
:data:`PENDING_SECONDS` have passed) gives the handle up to the new claim.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from adapters.agent_handles import AgentHandles, HeldHandle
from contact_center.commands import CommandRunner
from contact_center.errors import NotFound
from domain.agent import Agent
from domain.errors import AlreadyPresent
from projections.agent_directory import folded

log = logging.getLogger("switchboard.agents")
PENDING_SECONDS = 60.0  # a claim whose agent is not stored yet: an onboarding still under way


@dataclass(frozen=True)
class Handle:
    key: str  # as stored: ``login:<folded login>`` or ``extension:<extension>``
    field: str  # the request field that names it
    shown: str  # how a refusal names it


def handles_of(login: str | None, extensions: Iterable[str]) -> list[Handle]:
    # Logins compare as the agent directory compares them (case and inner spaces ignored).
    found = [] if login is None else [Handle(f"login:{folded(login)}", "login", f"login {login!r}")]
    return found + [Handle(f"extension:{e}", "extensions", f"extension {e!r}") for e in extensions]


class HandleClaims:
    def __init__(self, runner: CommandRunner, handles: AgentHandles) -> None:
        self.runner = runner
        self.handles = handles

    def claim(self, agent_id: UUID, wanted: list[Handle]) -> None:
        """Claim every handle of ``wanted`` for ``agent_id``, or refuse the first one held."""
        by_key = {handle.key: handle for handle in wanted}
        for held in self.handles.claim(list(by_key), agent_id):
            handle = by_key[held.handle]
            if self._still_held(held) or not self.handles.take_over(held.handle, held.agent_id, agent_id):
                self.handles.release(by_key, agent_id)
                raise AlreadyPresent(f"{handle.shown} is agent {held.agent_id}'s", field=handle.field)

    def release(self, agent_id: UUID, handles: list[Handle]) -> None:
        self.handles.release([handle.key for handle in handles], agent_id)

    def _still_held(self, held: HeldHandle) -> bool:
        try:
            holder = self.runner.load(Agent, held.agent_id)
        except NotFound:
            return held.held_seconds < PENDING_SECONDS
        return holder.active and held.handle in {h.key for h in handles_of(holder.login, holder.extensions)}

    def fill_in(self) -> None:
        """Claim the handles of agents onboarded before handles were kept (once per deployment);
        two such agents sharing one are logged, the first keeping it."""
        if self.handles.filled():
            return
        for agent_id in self.handles.stored_agents():
            agent = self.runner.load(Agent, agent_id)
            if not agent.active:
                continue
            keys = [h.key for h in handles_of(agent.login, agent.extensions)]
            for held in self.handles.claim(keys, agent_id):
                log.warning("agents %s and %s share a %s; the first keeps it for the CTI webhook",
                            held.agent_id, agent_id, held.handle.partition(":")[0])
        self.handles.mark_filled()
