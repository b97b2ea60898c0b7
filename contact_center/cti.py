"""CTI webhook events → interaction commands and call notifications.

Each telephony call id is one Interaction (:func:`~contact_center.cti_events.call_interaction_id`),
so every event of a call, and every retry of one, lands on the same aggregate:

- ``newCall`` rings (inbound: ``from`` calls ``to``; outbound: our agent dials ``to``).
  Inbound, the caller is looked up and the call offered to agents (the screen-pop) before
  the ring is recorded, so the card does not wait for the write; a caller on the block
  list is answered ``reject`` and recorded as a busy call, offered to nobody. Outbound, a
  matching caller-ID rule answers ``dial``.
- ``answer`` answers the ringing call for the agent the event names.
- ``hangup`` ends an answered call; a ringing one gets the outcome of its cause
  (:func:`~contact_center.cti_events.end_unanswered`).

Telephony systems repeat events and send them late or out of order. An answer or hangup of
a call never seen creates it, ringing at that moment; an event the call is already past (a
repeat, an answer after the hangup) changes nothing. Each command carries an idempotency
key made of the interaction id and the event, and a concurrent write to the same call
(answer and hangup racing) is retried on the new state.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from adapters.clock import Clock
from adapters.cti_store import CtiStore
from adapters.personal_data_mapper import erased_at_birth
from contact_center.call_notifications import CallEnded, CallNotifier, CallOffered, CallTaken
from contact_center.commands import CommandContext, CommandRunner, WriteResult
from contact_center.cti_agents import CtiAgents
from contact_center.cti_events import CtiEvent, CtiEventKind, call_interaction_id, end_unanswered
from contact_center.cti_integrations import CtiIntegrations, Integration, pbx_number
from contact_center.errors import NotFound, VersionConflict
from contact_center.identity_normalisation import is_withheld
from contact_center.logging_notifier import LoggingCallNotifier
from contact_center.lookup import LookupResult, LookupService, Match
from domain.errors import InvalidIdentity, InvalidValue
from domain.interaction import Interaction
from domain.interaction_values import Direction, InteractionStatus

log = logging.getLogger("switchboard.cti")
Reply = dict[str, str]
Change = Callable[[Interaction, datetime], None]
_CONNECTED = (InteractionStatus.ANSWERED, InteractionStatus.ON_HOLD)


class CtiService:
    def __init__(self, runner: CommandRunner, clock: Clock, lookup: LookupService, agents: CtiAgents,
                 integrations: CtiIntegrations, store: CtiStore, default_region: str,
                 notifier: CallNotifier | None = None, attempts: int = 3,
                 call_retention_seconds: float = 24 * 3600.0) -> None:
        self.runner = runner
        self.clock = clock
        self.lookup = lookup
        self.agents = agents
        self.integrations = integrations
        self.store = store
        self.default_region = default_region
        self.notifier: CallNotifier = notifier or LoggingCallNotifier()
        self.attempts = attempts
        self.call_retention_seconds = call_retention_seconds

    def handle(self, integration: Integration, event: CtiEvent, received_at: float) -> Reply:
        """Apply one event; the reply is what the telephony system should do (often ``{}``)."""
        return self.begin(integration, event, received_at)()

    def begin(self, integration: Integration, event: CtiEvent, received_at: float) -> Callable[[], Reply]:
        """Do what cannot wait — an inbound ring's screen-pop — and return the rest of the
        event's work, which returns the reply. Run apart, the rest (writing the call, which
        waits for the disk) never holds up the next ring's pop."""
        if event.kind is CtiEventKind.NEW_CALL and event.direction is Direction.INBOUND:
            return self._ring(integration, event, received_at)
        return lambda: self._apply(integration, event)

    def _apply(self, integration: Integration, event: CtiEvent) -> Reply:
        if event.kind is CtiEventKind.NEW_CALL:
            return self._dial(integration, event)
        if event.kind is CtiEventKind.ANSWER:
            self._answer(integration, event)
        else:
            self._hangup(integration, event)
        return {}

    def forget_old_calls(self) -> int:
        """Drop the notification bookkeeping of calls past their retention; returns how many.
        An event of such a call that still comes changes its Interaction as ever (guarded by
        its state) and notifies nobody."""
        forgotten = self.store.forget_calls(self.call_retention_seconds)
        if forgotten:
            log.info("forgot %d CTI calls past their retention", forgotten)
        return forgotten

    def _ring(self, integration: Integration, event: CtiEvent, received_at: float) -> Callable[[], Reply]:
        """Pop the call on the offered agents' screens now; returns the writing of the call."""
        interaction_id = call_interaction_id(integration.id, event.call_id)
        caller = self._address(event.from_number)
        if integration.blocks(caller):
            def reject(interaction: Interaction, now: datetime) -> None:
                if interaction.status is InteractionStatus.RINGING:
                    interaction.end_busy(actor=integration.actor, occurred_at=now)

            def record_rejected() -> Reply:  # in the caller's history, as any call
                self._write(integration, event, reject, customer_id=self._single(self._match(caller)))
                return {"action": "reject", "reason": "busy"}
            return record_rejected
        found, offered, first = self._match_and_offer(caller, event, integration, interaction_id)
        if first:
            self.notifier.offered(CallOffered(
                call_id=event.call_id, interaction_id=interaction_id, agent_ids=offered,
                caller=found.normalised, match=found.match.value, customer_ids=tuple(found.customer_ids),
                customer_names=found.display_names, card=found.card,
                queue=event.queue, received_at=received_at,
                extra={"integration": integration.name, "dialled": self._address(event.to_number)}))

        def record() -> Reply:
            if first and offered:
                self.store.offer_call(interaction_id, offered)
            self._write(integration, event, None, first=first, customer_id=self._single(found))
            return {}
        return record

    def _dial(self, integration: Integration, event: CtiEvent) -> Reply:
        dialled = self._address(event.to_number)
        caller_id = integration.caller_id_for(dialled)
        agent = self.agents.calling(event.users, event.answering_number, event.from_number)
        self._write(integration, event, None, agent_id=agent, from_address=caller_id,
                    customer_id=self._single(self._match(dialled)))
        if caller_id is None:
            return {}
        shown = caller_id if event.to_number.strip().startswith("+") else caller_id.removeprefix("+")
        # Zammad documents ``callerId`` and sends ``caller_id``: PBX scripts read either.
        return {"action": "dial", "callerId": shown, "caller_id": shown, "number": event.to_number}

    def _answer(self, integration: Integration, event: CtiEvent) -> None:
        interaction_id = call_interaction_id(integration.id, event.call_id)
        outbound = event.direction is Direction.OUTBOUND
        if outbound:
            agent = self.agents.calling(event.users, event.answering_number, event.from_number)
        else:
            agent = self.agents.answering(event.users, event.answering_number)
        offered = self.store.offered(interaction_id) if agent is None else ()

        def answer(interaction: Interaction, now: datetime) -> None:
            if interaction.status is not InteractionStatus.RINGING:
                return  # answered already, or hung up before this answer arrived
            who = agent or interaction.agent_id or (offered[0] if len(offered) == 1 else None)
            if who is None:
                raise InvalidValue("the answer names no known agent: send user (a display name or "
                                   "login) or answeringNumber (an extension or login)", field="user")
            interaction.answer(who, actor=integration.actor, occurred_at=now)

        interaction = self._write(integration, event, answer, agent_id=agent if outbound else None)
        if interaction.status not in _CONNECTED or interaction.agent_id is None:
            return
        offered_to = self.store.mark_taken(interaction_id, integration.id, event.call_id)
        if offered_to:
            self.notifier.taken(CallTaken(
                call_id=event.call_id, interaction_id=interaction_id, agent_id=interaction.agent_id,
                other_agent_ids=tuple(a for a in offered_to if a != interaction.agent_id)))

    def _hangup(self, integration: Integration, event: CtiEvent) -> None:
        interaction_id = call_interaction_id(integration.id, event.call_id)

        def hang_up(interaction: Interaction, now: datetime) -> None:
            if interaction.status in _CONNECTED:
                interaction.end(actor=integration.actor, occurred_at=now)
            elif interaction.status is InteractionStatus.RINGING:
                end_unanswered(interaction, event, integration.actor, now)

        interaction = self._write(integration, event, hang_up)
        if not interaction.is_finished:
            return
        offered_to = self.store.mark_ended(interaction_id, integration.id, event.call_id)
        if offered_to:
            told = tuple(dict.fromkeys([*offered_to, *filter(None, [interaction.agent_id])]))
            self.notifier.ended(CallEnded(call_id=event.call_id, interaction_id=interaction_id,
                                          agent_ids=told, outcome=interaction.status.value))

    def _write(self, integration: Integration, event: CtiEvent, change: Change | None,
               *, first: bool = False, **ring: Any) -> Interaction:
        """Load the call's interaction, or ring it now, apply ``change``; return the result.
        ``first``: the ring claimed its call, so its interaction is almost surely new and is
        rung without reading it first; should an answer or hangup have stored it meanwhile,
        the save conflicts and the retry reads it."""
        interaction_id = call_interaction_id(integration.id, event.call_id)
        # Every change below is guarded by the call's state, so a repeated event changes nothing
        # and needs no look-up of its key first.
        ctx = CommandContext(actor=integration.actor,
                             idempotency_key=f"cti:{interaction_id}:{event.kind.value}", replay_first=False)
        written: list[Interaction] = []

        skip_read = first  # on the first attempt only

        def work() -> list[Interaction]:
            nonlocal skip_read
            now = self.clock.now()
            existing = None if skip_read else self._existing(interaction_id)
            skip_read = False
            interaction = existing or self._new(interaction_id, integration, event, now,
                                                **self._with_customer(event, ring))
            if change is not None:
                change(interaction, now)
            written[:] = [interaction]
            return [interaction]

        result: WriteResult | None = None
        for attempt in range(1, self.attempts + 1):
            try:
                # A call of an erased customer still rings, is answered and ends: its new
                # personal fields are stored as erased, not refused (the PBX would retry forever).
                with erased_at_birth():
                    result = self.runner.run(ctx, f"cti.{event.kind.value}", [str(interaction_id)], work)
                break
            except VersionConflict:
                if attempt == self.attempts:
                    raise
        assert result is not None
        return self.runner.load(Interaction, interaction_id) if result.replayed else written[0]

    def _with_customer(self, event: CtiEvent, ring: dict[str, Any]) -> dict[str, Any]:
        """``ring`` with the customer of a call first seen at its answer or hangup: the caller
        (inbound) or the number dialled (outbound) when it matches one customer, as a ring
        links it, so the call shows in their history and an erasure finds it."""
        if "customer_id" in ring:
            return ring
        number = event.from_number if event.direction is Direction.INBOUND else event.to_number
        return {**ring, "customer_id": self._single(self._match(self._address(number)))}

    def _existing(self, interaction_id: UUID) -> Interaction | None:
        try:
            return self.runner.load(Interaction, interaction_id)
        except NotFound:
            return None

    def _new(self, interaction_id: UUID, integration: Integration, event: CtiEvent, now: datetime,
             *, from_address: str | None = None, agent_id: UUID | None = None,
             customer_id: UUID | None = None) -> Interaction:
        return Interaction.ring(
            id=interaction_id, direction=event.direction,
            from_address=from_address or self._address(event.from_number),
            to_address=self._address(event.to_number), queue=event.queue, agent_id=agent_id,
            customer_id=customer_id, actor=integration.actor, occurred_at=now)

    def _address(self, raw: str) -> str | None:
        """E.164; ``None`` when withheld; as sent when it is no phone number (an extension)."""
        if is_withheld(raw):
            return None
        try:
            return pbx_number(raw, self.default_region)
        except InvalidIdentity:
            return raw.strip()

    def _match(self, number: str | None) -> LookupResult:
        if number is None:
            return LookupResult(Match.WITHHELD, [], None)
        if not number.startswith("+"):
            return LookupResult(Match.NONE, [], None)  # an internal extension
        return self.lookup.lookup(phone=number)

    def _match_and_offer(self, caller: str | None, event: CtiEvent, integration: Integration,
                         interaction_id: UUID) -> tuple[LookupResult, tuple[UUID, ...], bool]:
        """The caller's match (with a single match's card), the agents the call is offered
        to, and whether this ring is the call's first event (claiming the call): all three in
        one round trip (a caller with no number has nothing to look up)."""
        offer = self.agents.offered_read(event.users, event.answering_number, event.queue)
        claim = self.store.claim_call(interaction_id, integration.id, event.call_id)
        if caller is None or not caller.startswith("+"):
            offered, first = self.lookup.ring_offer(offer, claim)
            return self._match(caller), offered, first
        found, offered, first = self.lookup.ring_lookup(caller, self.clock.now(), offer, claim)
        return found, offered, first

    @staticmethod
    def _single(found: LookupResult) -> UUID | None:
        return found.customer_ids[0] if found.match is Match.SINGLE else None
