"""What the CTI side tells agents' screens about a call, and who delivers it.

The CTI service (``contact_center/cti.py``) decides *what* happens — a call is offered to
some agents, taken by one, ended — and hands it to a :class:`CallNotifier`. The push side
(``contact_center/agent_push.py`` and the agent websockets, see docs/screen-pop.md) decides
*how* it reaches every browser tab of those agents, in whichever API process holds their sockets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol
from uuid import UUID

from projections.screen_pop_card import Card


@dataclass(frozen=True)
class CallOffered:
    """An inbound call rings for ``agent_ids``; ``match`` is none|single|multiple|withheld."""

    call_id: str
    interaction_id: UUID
    agent_ids: tuple[UUID, ...]
    caller: str | None  # E.164, None when withheld
    match: str
    customer_ids: tuple[UUID, ...]
    queue: str | None = None
    # display names as the lookup found them (None: erased, or not yet on a card)
    customer_names: dict[UUID, str | None] = field(default_factory=dict)
    # A single match's card as the lookup read it; None when not read or not projected yet
    # (the push side then reads it once more).
    card: Card | None = None
    received_at: float = 0.0  # time.perf_counter() when the ring reached us, for latency metrics
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CallTaken:
    call_id: str
    interaction_id: UUID
    agent_id: UUID | None
    other_agent_ids: tuple[UUID, ...]


@dataclass(frozen=True)
class CallEnded:
    call_id: str
    interaction_id: UUID
    agent_ids: tuple[UUID, ...]
    outcome: str  # ended|missed|abandoned|busy|forwarded|voicemail


class CallNotifier(Protocol):
    def offered(self, event: CallOffered) -> None: ...

    def taken(self, event: CallTaken) -> None: ...

    def ended(self, event: CallEnded) -> None: ...
