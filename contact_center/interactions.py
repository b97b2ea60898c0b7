"""Interaction commands: load, call the domain, save. Rules live in ``domain.interaction``.

Creating an outbound contact may name its ``purpose``; a marketing purpose is a
consent gate: the customer's ``require_consent`` decides, and nothing is stored
when it refuses.

``log_many`` stores a batch in one transaction, all or none; with an ``Idempotency-Key``
its ids derive from the key (:func:`contact_center.commands.batch_ids`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from adapters.clock import Clock
from contact_center.agents import working_agent
from contact_center.commands import (
    BulkWriteResult,
    CommandContext,
    CommandRunner,
    WriteResult,
    batch_ids,
)
from contact_center.customers import current_customer
from contact_center.errors import NotFound
from contact_center.identity_normalisation import is_withheld, normalise_phone
from domain.agent import Agent
from domain.consent import ConsentChannel, ConsentPurpose
from domain.customer import Customer
from domain.errors import ConsentMissing, DomainError, InvalidIdentity, InvalidValue
from domain.interaction import Interaction
from domain.interaction_values import Channel, Direction

MARKETING = frozenset({ConsentPurpose.MARKETING_CALL, ConsentPurpose.MARKETING_EMAIL,
                       ConsentPurpose.MARKETING_SMS})

# A visit has no consent channel, so a marketing visit cannot pass the gate.
CONSENT_CHANNEL = {
    Channel.CALL: ConsentChannel.PHONE,
    Channel.EMAIL: ConsentChannel.EMAIL,
    Channel.SMS: ConsentChannel.SMS,
    Channel.CHAT: ConsentChannel.CHAT,
    Channel.SOCIAL: ConsentChannel.SOCIAL,
    Channel.LETTER: ConsentChannel.POST,
}


@dataclass(frozen=True)
class LoggedContact:
    """A non-call interaction as a client reports it."""

    channel: Channel
    direction: Direction
    from_address: str | None = None
    to_address: str | None = None
    subject: str | None = None
    body: str | None = None
    queue: str | None = None
    agent_id: UUID | None = None
    customer_id: UUID | None = None
    purpose: ConsentPurpose | None = None


@dataclass(frozen=True)
class RingingCall:
    """A call that starts ringing, with its numbers as the CTI system sends them."""

    direction: Direction
    from_number: str | None = None
    to_number: str | None = None
    queue: str | None = None
    agent_id: UUID | None = None
    customer_id: UUID | None = None
    purpose: ConsentPurpose | None = None


class InteractionService:
    def __init__(self, runner: CommandRunner, clock: Clock, default_region: str) -> None:
        self.runner = runner
        self.clock = clock
        self.default_region = default_region

    def log(self, ctx: CommandContext, contact: LoggedContact) -> WriteResult:
        def work() -> list[Interaction]:
            return [self._logged(ctx, contact, uuid4(), self.clock.now(), {}, {})]

        return self.runner.run(ctx, "interaction.log", asdict(contact), work)

    def log_many(self, ctx: CommandContext, contacts: Sequence[LoggedContact]) -> BulkWriteResult:
        """Log every contact or none; a refused one is named by its index (``items[3]``)."""
        if not contacts:
            raise InvalidValue("a batch needs at least one item", field="items")
        ids = batch_ids(ctx.idempotency_key, len(contacts))

        def work() -> list[Interaction]:
            # Every referenced customer in one read; an unknown one fails below, at its item.
            customers = self.runner.load_many(Customer, {c.customer_id for c in contacts
                                                         if c.customer_id is not None})
            agents = self.runner.load_many(Agent, {c.agent_id for c in contacts if c.agent_id is not None})
            now = self.clock.now()
            built = []
            for index, (contact, interaction_id) in enumerate(zip(contacts, ids, strict=True)):
                item = f"items[{index}]"
                try:
                    built.append(self._logged(ctx, contact, interaction_id, now, customers, agents))
                except DomainError as exc:
                    raise type(exc)(f"{item}: {exc.message}",
                                    field=f"{item}.{exc.field}" if exc.field else item) from exc
                except NotFound as exc:
                    named = contact.agent_id if exc.kind == "agent" else contact.customer_id
                    raise NotFound(exc.kind, f"{named} ({item}.{exc.kind}_id)") from exc
            return built

        payload = [vars(contact) for contact in contacts]  # flat, so as asdict() but no deep copy
        result = self.runner.run(ctx, "interaction.log_many", payload, work)
        return BulkWriteResult(ids, result.position, result.replayed)

    def ring(self, ctx: CommandContext, call: RingingCall) -> WriteResult:
        def work() -> list[Interaction]:
            from_address = self._number(call.from_number, "from_number")
            to_address = self._number(call.to_number, "to_number")
            self._check_customer(call.customer_id, Channel.CALL, call.direction, call.purpose, {})
            self._check_agent(call.agent_id, "agent_id")
            interaction = Interaction.ring(
                id=uuid4(), direction=call.direction, from_address=from_address,
                to_address=to_address, queue=call.queue, agent_id=call.agent_id,
                customer_id=call.customer_id, actor=ctx.actor, occurred_at=self.clock.now())
            return [interaction]

        return self.runner.run(ctx, "interaction.ring", asdict(call), work)

    def answer(self, ctx: CommandContext, interaction_id: UUID, agent_id: UUID) -> WriteResult:
        def answer(interaction: Interaction, now: datetime) -> None:
            self._check_agent(agent_id, "agent_id")
            interaction.answer(agent_id, actor=ctx.actor, occurred_at=now)

        return self._change(ctx, interaction_id, "answer", agent_id, answer)

    def hold(self, ctx: CommandContext, interaction_id: UUID) -> WriteResult:
        return self._change(ctx, interaction_id, "hold", None,
                            lambda i, now: i.hold(actor=ctx.actor, occurred_at=now))

    def resume(self, ctx: CommandContext, interaction_id: UUID) -> WriteResult:
        return self._change(ctx, interaction_id, "resume", None,
                            lambda i, now: i.resume(actor=ctx.actor, occurred_at=now))

    def transfer(self, ctx: CommandContext, interaction_id: UUID, to_agent_id: UUID) -> WriteResult:
        def transfer(interaction: Interaction, now: datetime) -> None:
            self._check_agent(to_agent_id, "to_agent_id")
            interaction.transfer(to_agent_id, actor=ctx.actor, occurred_at=now)

        return self._change(ctx, interaction_id, "transfer", to_agent_id, transfer)

    def end(self, ctx: CommandContext, interaction_id: UUID) -> WriteResult:
        return self._change(ctx, interaction_id, "end", None,
                            lambda i, now: i.end(actor=ctx.actor, occurred_at=now))

    def miss(self, ctx: CommandContext, interaction_id: UUID) -> WriteResult:
        return self._change(ctx, interaction_id, "miss", None,
                            lambda i, now: i.miss(actor=ctx.actor, occurred_at=now))

    def abandon(self, ctx: CommandContext, interaction_id: UUID) -> WriteResult:
        return self._change(ctx, interaction_id, "abandon", None,
                            lambda i, now: i.abandon(actor=ctx.actor, occurred_at=now))

    def busy(self, ctx: CommandContext, interaction_id: UUID) -> WriteResult:
        return self._change(ctx, interaction_id, "busy", None,
                            lambda i, now: i.end_busy(actor=ctx.actor, occurred_at=now))

    def voicemail(self, ctx: CommandContext, interaction_id: UUID,
                  recording_reference: str) -> WriteResult:
        return self._change(ctx, interaction_id, "voicemail", recording_reference,
                            lambda i, now: i.leave_voicemail(recording_reference, actor=ctx.actor,
                                                             occurred_at=now))

    def forward(self, ctx: CommandContext, interaction_id: UUID, forwarded_to: str) -> WriteResult:
        return self._change(ctx, interaction_id, "forward", forwarded_to,
                            lambda i, now: i.forward(forwarded_to, actor=ctx.actor, occurred_at=now))

    def link_customer(self, ctx: CommandContext, interaction_id: UUID, customer_id: UUID) -> WriteResult:
        def link(interaction: Interaction, now: datetime) -> None:
            current_customer(self.runner, customer_id)
            interaction.link_customer(customer_id, actor=ctx.actor, occurred_at=now)

        return self._change(ctx, interaction_id, "link_customer", customer_id, link)

    def add_note(self, ctx: CommandContext, interaction_id: UUID, note: str) -> WriteResult:
        return self._change(ctx, interaction_id, "add_note", note,
                            lambda i, now: i.add_note(note, actor=ctx.actor, occurred_at=now))

    def record_wrap_up(self, ctx: CommandContext, interaction_id: UUID, code: str,
                       notes: str | None) -> WriteResult:
        return self._change(ctx, interaction_id, "record_wrap_up", [code, notes],
                            lambda i, now: i.record_wrap_up(code, notes, actor=ctx.actor,
                                                            occurred_at=now))

    def attach_recording(self, ctx: CommandContext, interaction_id: UUID, reference: str) -> WriteResult:
        return self._change(ctx, interaction_id, "attach_recording", reference,
                            lambda i, now: i.attach_recording(reference, actor=ctx.actor,
                                                              occurred_at=now))

    def close(self, ctx: CommandContext, interaction_id: UUID) -> WriteResult:
        return self._change(ctx, interaction_id, "close", None,
                            lambda i, now: i.close(actor=ctx.actor, occurred_at=now))

    def get(self, interaction_id: UUID, expected_version: int | None = None) -> Interaction:
        return self.runner.load(Interaction, interaction_id, expected_version)

    def _change(self, ctx: CommandContext, interaction_id: UUID, command: str, payload: Any,
                change: Callable[[Interaction, datetime], None]) -> WriteResult:
        def work() -> list[Interaction]:
            interaction = self.get(interaction_id, ctx.expected_version)
            change(interaction, self.clock.now())
            return [interaction]

        return self.runner.run(ctx, f"interaction.{command}", [interaction_id, payload], work)

    def _logged(self, ctx: CommandContext, contact: LoggedContact, interaction_id: UUID,
                now: datetime, customers: dict[UUID, Customer], agents: dict[UUID, Agent]) -> Interaction:
        self._check_customer(contact.customer_id, contact.channel, contact.direction,
                             contact.purpose, customers)
        self._check_agent(contact.agent_id, "agent_id", agents)
        return Interaction.log(
            id=interaction_id, channel=contact.channel, direction=contact.direction,
            from_address=contact.from_address, to_address=contact.to_address,
            subject=contact.subject, body=contact.body, queue=contact.queue,
            agent_id=contact.agent_id, customer_id=contact.customer_id,
            actor=ctx.actor, occurred_at=now)

    def _check_agent(self, agent_id: UUID | None, field: str, read: dict[UUID, Agent] | None = None) -> None:
        """An agent a command names must exist and still work here (``read``: agents read already)."""
        if agent_id is not None:
            working_agent(self.runner, agent_id, field, read)

    def _number(self, raw: str | None, field: str) -> str | None:
        """E.164, or ``None`` for a withheld number."""
        if raw is None or is_withheld(raw):
            return None
        try:
            return normalise_phone(raw, self.default_region)
        except InvalidIdentity as exc:
            raise InvalidIdentity(exc.message, field=field) from exc

    def _check_customer(self, customer_id: UUID | None, channel: Channel, direction: Direction,
                        purpose: ConsentPurpose | None, customers: dict[UUID, Customer]) -> None:
        """The customer must exist; outbound marketing must have their consent."""
        if purpose is not None and direction is not Direction.OUTBOUND:
            raise InvalidValue("purpose applies to outbound contact only", field="purpose")
        if customer_id is None:
            if purpose in MARKETING:
                raise InvalidValue(f"{purpose} contact needs a customer_id", field="customer_id")
            return
        customer = customers[customer_id] = current_customer(self.runner, customer_id, read=customers)
        if purpose is None or purpose not in MARKETING:
            return
        consent_channel = CONSENT_CHANNEL.get(channel)
        if consent_channel is None:
            raise InvalidValue(f"{channel} has no consent channel for {purpose}", field="purpose")
        try:
            customer.require_consent(purpose, consent_channel)
        except ConsentMissing as exc:
            # The domain names only the purpose; the agent needs to know which consent to ask for.
            raise ConsentMissing(
                f"customer {customer_id} has not consented to {purpose} on channel {consent_channel}",
                field="purpose") from exc
