"""What a screen-pop frame shows of a single match: the caller's card (the candidates' names
come with the offer, from the lookup).

The card has the shape ``GET /api/v1/customers/{id}/card`` returns, so a desktop renders one
from either. It comes from the screen-pop card read model; a customer it has not yet seen
has no card.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from uuid import UUID

from pydantic_core import to_jsonable_python

from contact_center.errors import NotFound
from contact_center.screen_pop import ScreenPop, ScreenPopService


def card_body(pop: ScreenPop) -> dict[str, Any]:
    card = pop.card
    organisation = (None if card.organisation_id is None
                    else {"id": card.organisation_id, "name": card.organisation_name})
    cases = [{"id": c.case_id, "kind": c.kind, "category": c.category, "priority": c.priority,
              "status": c.status, "opened_at": c.opened_at, "first_response_due": c.first_response_due,
              "resolution_due": c.resolution_due} for c in card.open_cases]
    body = {
        "id": card.customer_id, "requested_id": pop.requested_id, "status": card.status,
        "merged_into": card.merged_into, "kind": card.kind, "display_name": card.display_name,
        "organisation": organisation, "segment": card.segment, "abc_class": card.abc_class,
        "open_cases": cases, "last_contacts": [asdict(c) for c in card.last_contacts],
        "preferred_channel": card.preferred_channel, "consents": [asdict(c) for c in card.consents],
        "flags": {"vip": card.vip, "has_open_complaint": card.has_open_complaint},
    }
    jsonable: dict[str, Any] = to_jsonable_python(body)
    return jsonable


class CallerCards:
    def __init__(self, screen_pop: ScreenPopService) -> None:
        self.screen_pop = screen_pop

    def card(self, customer_id: UUID) -> dict[str, Any] | None:
        try:
            return card_body(self.screen_pop.card(customer_id))
        except NotFound:
            return None
