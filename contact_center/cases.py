"""Case commands: load, call the domain, save. Business rules live in ``domain.case``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID, uuid4

from adapters.clock import Clock
from contact_center.agents import working_agent
from contact_center.commands import CommandContext, CommandRunner, WriteResult
from contact_center.customers import current_customer
from contact_center.stamps import Stamp, stamp
from domain.case import Case
from domain.case_values import CaseKind, Priority
from domain.sla import CaseSla, SlaPolicy


class CaseService:
    def __init__(self, runner: CommandRunner, clock: Clock) -> None:
        self.runner = runner
        self.clock = clock

    def open(
        self,
        ctx: CommandContext,
        kind: CaseKind,
        category: str,
        priority: Priority,
        summary: str,
        customer_id: UUID,
        sla: SlaPolicy,
        origin_interaction_id: UUID | None = None,
    ) -> WriteResult:
        payload = {
            "kind": kind, "category": category, "priority": priority, "summary": summary,
            "customer_id": customer_id, "sla": [sla.first_response_minutes, sla.resolution_minutes],
            "origin_interaction_id": origin_interaction_id,
        }

        def work() -> list[Case]:
            current_customer(self.runner, customer_id)  # a case needs a customer that exists, active
            case = Case.open(id=uuid4(), kind=kind, category=category, priority=priority,
                             summary=summary, customer_id=customer_id, sla=sla,
                             origin_interaction_id=origin_interaction_id, **stamp(ctx, self.clock))
            return [case]

        return self.runner.run(ctx, "case.open", payload, work)

    def assign(self, ctx: CommandContext, case_id: UUID, agent_id: UUID) -> WriteResult:
        def change(case: Case, at: Stamp) -> None:
            working_agent(self.runner, agent_id, "agent_id")  # the assignee must exist and work here
            case.assign(agent_id, **at)

        return self._change(ctx, case_id, "case.assign", [agent_id], change)

    def escalate(self, ctx: CommandContext, case_id: UUID, level: int, reason: str) -> WriteResult:
        return self._change(ctx, case_id, "case.escalate", [level, reason],
                            lambda case, at: case.escalate(level, reason, **at))

    def record_first_response(
        self, ctx: CommandContext, case_id: UUID, interaction_id: UUID | None = None
    ) -> WriteResult:
        return self._change(ctx, case_id, "case.record_first_response", [interaction_id],
                            lambda case, at: case.record_first_response(interaction_id, **at))

    def add_note(self, ctx: CommandContext, case_id: UUID, note: str) -> WriteResult:
        return self._change(ctx, case_id, "case.add_note", [note],
                            lambda case, at: case.add_note(note, **at))

    def mark_pending(self, ctx: CommandContext, case_id: UUID, reason: str) -> WriteResult:
        return self._change(ctx, case_id, "case.mark_pending", [reason],
                            lambda case, at: case.mark_pending(reason, **at))

    def resume(self, ctx: CommandContext, case_id: UUID) -> WriteResult:
        return self._change(ctx, case_id, "case.resume", [], lambda case, at: case.resume(**at))

    def resolve(
        self, ctx: CommandContext, case_id: UUID, resolution_code: str, first_contact_resolution: bool
    ) -> WriteResult:
        return self._change(
            ctx, case_id, "case.resolve", [resolution_code, first_contact_resolution],
            lambda case, at: case.resolve(resolution_code, first_contact_resolution, **at))

    def close(self, ctx: CommandContext, case_id: UUID) -> WriteResult:
        return self._change(ctx, case_id, "case.close", [], lambda case, at: case.close(**at))

    def reopen(self, ctx: CommandContext, case_id: UUID, reason: str) -> WriteResult:
        return self._change(ctx, case_id, "case.reopen", [reason],
                            lambda case, at: case.reopen(reason, **at))

    def record_satisfaction(self, ctx: CommandContext, case_id: UUID, score: int) -> WriteResult:
        return self._change(ctx, case_id, "case.record_satisfaction", [score],
                            lambda case, at: case.record_satisfaction(score, **at))

    def get(self, case_id: UUID, expected_version: int | None = None) -> Case:
        return self.runner.load(Case, case_id, expected_version)

    def sla_now(self, case: Case) -> CaseSla:
        """How the case's deadlines stand at this moment."""
        return case.sla_state(self.clock.now())

    def _change(
        self, ctx: CommandContext, case_id: UUID, command: str, args: list[Any],
        change: Callable[[Case, Stamp], None],
    ) -> WriteResult:
        def work() -> list[Case]:
            case = self.get(case_id, ctx.expected_version)
            change(case, stamp(ctx, self.clock))
            return [case]

        return self.runner.run(ctx, command, [case_id, *args], work)
