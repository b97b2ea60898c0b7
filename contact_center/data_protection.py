"""Data-subject rights: erasure by crypto-shredding (Art. 17) and access export (Art. 15)."""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, Protocol
from uuid import UUID

from adapters.clock import Clock
from adapters.event_store import SwitchboardRecorder
from contact_center.application import SwitchboardApplication
from contact_center.commands import CommandContext, CommandRunner, WriteResult
from domain.customer import Customer
from domain.events import SwitchboardAggregate, event_type_name

_INTERNAL = ("originator_id", "originator_version", "timestamp", "originator_topic")


def jsonable(value: Any) -> Any:
    if isinstance(value, UUID | datetime | date):
        return value.isoformat() if not isinstance(value, UUID) else str(value)
    if isinstance(value, Enum):
        return value.value
    if is_dataclass(value) and not isinstance(value, type):
        return jsonable(asdict(value))
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value


def event_record(event: SwitchboardAggregate.Event) -> dict[str, Any]:
    state = vars(event)
    return {
        "aggregate_id": str(event.originator_id),
        "version": event.originator_version,
        "type": event_type_name(type(event)),
        "occurred_at": jsonable(state.get("occurred_at")),
        "actor": state.get("actor"),
        "data": {k: jsonable(v) for k, v in state.items() if k not in _INTERNAL},
    }


class PushedFrames(Protocol):
    def forget_customer(self, customer_id: UUID) -> int: ...


class DataProtectionService:
    """``frames``: the agents' screen-pop frames kept for reconnecting clients, which carry
    cards and names in plain text (:mod:`adapters.push_store`)."""

    def __init__(self, runner: CommandRunner, app: SwitchboardApplication, clock: Clock,
                 frames: PushedFrames) -> None:
        self.runner = runner
        self.app = app
        self.clock = clock
        self.frames = frames
        recorder = app.recorder
        assert isinstance(recorder, SwitchboardRecorder)
        self.recorder = recorder

    def erase(self, ctx: CommandContext, customer_id: UUID, legal_basis: str) -> WriteResult:
        """Record the erasure and destroy the customer's data keys in the same transaction."""
        def work() -> list[Customer]:
            customer = self.runner.load(Customer, customer_id, ctx.expected_version)
            customer.erase_personal_data(legal_basis, actor=ctx.actor, occurred_at=self.clock.now())
            return [customer]

        result = self.runner.run(ctx, "customer.erase", [customer_id, legal_basis], work,
                                 erase_subject=customer_id)
        # Then the frames that named the customer: a reconnecting agent replays no erased card.
        self.frames.forget_customer(customer_id)
        return result

    def export(self, customer_id: UUID) -> dict[str, Any]:
        """Everything held about the customer, decrypted: its events and every aggregate
        (interactions, cases) that carried its personal data."""
        customer = self.runner.load(Customer, customer_id)
        aggregates = [customer_id, *self.recorder.aggregates_of_customer(customer_id)]
        events = []
        for aggregate_id in aggregates:
            for event in self.app.events.get(aggregate_id):
                assert isinstance(event, SwitchboardAggregate.Event)
                events.append(event_record(event))
        return {
            "customer_id": str(customer_id),
            "status": customer.status.value,
            "exported_at": self.clock.now().isoformat(),
            "aggregates": [str(a) for a in aggregates],
            "events": events,
        }
