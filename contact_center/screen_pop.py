"""The screen-pop card an agent sees: the customer's card, a merged duplicate's survivor's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from adapters.clock import Clock
from adapters.read_store import ReadStore
from contact_center.errors import NotFound
from contact_center.read_your_writes import ReadConsistency
from projections.screen_pop_card import Card, ScreenPopCardProjection, card_for
from projections.screen_pop_queries import MAX_MERGE_DEPTH

PROJECTION = ScreenPopCardProjection().full_name


@dataclass(frozen=True)
class ScreenPop:
    """The card to show, and the id it was asked for (a duplicate's, when merged)."""

    requested_id: UUID
    card: Card


class ScreenPopService:
    def __init__(self, reads: ReadStore, consistency: ReadConsistency, clock: Clock) -> None:
        self.reads = reads
        self.consistency = consistency
        self.clock = clock

    def card(self, customer_id: UUID, min_position: int | None = None) -> ScreenPop:
        """NotFound for a customer the read model has never seen."""
        self.consistency.require(PROJECTION, min_position)
        now = self.clock.now()
        with self.reads.glancing() as tx:  # a card is one statement: one snapshot on its own
            card = card_for(tx, customer_id, now)
        if card is None:
            raise NotFound("customer", customer_id)
        if card.merged_into is not None:
            card = self._survivor(customer_id, now) or card
        return ScreenPop(customer_id, card)

    def _survivor(self, customer_id: UUID, now: datetime) -> Card | None:
        """A merged duplicate's chain followed to its survivor, in one snapshot."""
        with self.reads.reading() as tx:
            card = card_for(tx, customer_id, now)
            for _ in range(MAX_MERGE_DEPTH):
                if card is None or card.merged_into is None:
                    break
                survivor = card_for(tx, card.merged_into, now)
                if survivor is None:  # the survivor's partition is behind: show what we have
                    break
                card = survivor
        return card
