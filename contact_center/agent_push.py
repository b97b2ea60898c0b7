"""The :class:`~contact_center.call_notifications.CallNotifier` that puts calls on agents' screens.

Each notification becomes one frame per agent concerned, numbered and routed by the
:class:`~contact_center.push_routing.PushRouter` to every socket of that agent, in whichever
API process it is open:

- ``screen_pop`` to each agent a call is offered to: the caller, the match (none, single,
  multiple, withheld), the candidates with display names, and for a single match the card;
- ``call_taken`` to every agent it was offered to (the taker's other tabs included), naming
  the agent who took it;
- ``call_ended`` with the outcome.

A frame that cannot be routed is logged and dropped: the call itself is still recorded, and
the agents' desktops show it from the caller history.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import Any, Protocol
from uuid import UUID

from adapters.push_store import OutgoingFrame
from contact_center.call_notifications import CallEnded, CallOffered, CallTaken
from contact_center.caller_cards import card_body
from contact_center.push_routing import PushRouter
from contact_center.screen_pop import ScreenPop

log = logging.getLogger("switchboard.push")


class Callers(Protocol):
    def card(self, customer_id: UUID) -> dict[str, Any] | None: ...


def _each(agent_ids: Iterable[UUID | None]) -> list[UUID]:
    return list(dict.fromkeys(a for a in agent_ids if a is not None))


def wall_clock(received_at: float) -> float | None:
    """``CallOffered.received_at`` (``perf_counter``) as wall-clock time, which any process of
    the deployment can compare with its own; None when it was not set."""
    if received_at <= 0:
        return None
    return time.time() - (time.perf_counter() - received_at)


class AgentPushNotifier:
    def __init__(self, router: PushRouter, callers: Callers) -> None:
        self.router = router
        self.callers = callers

    def offered(self, event: CallOffered) -> None:
        agents = _each(event.agent_ids)
        if not agents:
            return
        customers = list(event.customer_ids)
        single = event.match == "single" and len(customers) == 1
        data = {
            "call_id": event.call_id, "interaction_id": str(event.interaction_id),
            "caller": event.caller, "match": event.match, "queue": event.queue,
            "candidates": self._candidates(event),
            "card": self._card(event, customers[0]) if single else None,
            "extra": event.extra,
        }
        received = wall_clock(event.received_at)
        self._publish([OutgoingFrame(agent, "screen_pop", data, received) for agent in agents])

    def _card(self, event: CallOffered, customer_id: UUID) -> dict[str, Any] | None:
        """The card the lookup read with the match; a merged one's survivor is read now."""
        if event.card is not None and event.card.merged_into is None:
            return card_body(ScreenPop(customer_id, event.card))
        return self.callers.card(customer_id)

    @staticmethod
    def _candidates(event: CallOffered) -> list[dict[str, Any]]:
        return [{"customer_id": str(customer_id), "display_name": event.customer_names.get(customer_id)}
                for customer_id in event.customer_ids]

    def taken(self, event: CallTaken) -> None:
        data = {"call_id": event.call_id, "interaction_id": str(event.interaction_id),
                "agent_id": None if event.agent_id is None else str(event.agent_id)}
        agents = _each([event.agent_id, *event.other_agent_ids])
        self._publish([OutgoingFrame(agent, "call_taken", data) for agent in agents])

    def ended(self, event: CallEnded) -> None:
        data = {"call_id": event.call_id, "interaction_id": str(event.interaction_id),
                "outcome": event.outcome}
        self._publish([OutgoingFrame(agent, "call_ended", data) for agent in _each(event.agent_ids)])

    def _publish(self, frames: list[OutgoingFrame]) -> None:
        if not frames:
            return
        try:
            self.router.publish(frames)
        except Exception:
            log.exception("could not route %s frames to %d agents", frames[0].kind, len(frames))
