"""The screen-pop card: what an agent sees about a customer when they call."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from api.access import allow
from api.dependencies import get_container
from api.schemas.cards import (
    CardCaseOut,
    CardConsentOut,
    CardContactOut,
    CardFlagsOut,
    CardOut,
    OrganisationOut,
)
from contact_center.bootstrap import Container
from contact_center.roles import FRONT_OFFICE
from contact_center.screen_pop import ScreenPop, ScreenPopService
from domain.case_values import CaseKind, CaseStatus, Priority
from domain.customer_details import CustomerKind, CustomerStatus
from domain.interaction_values import Channel

router = APIRouter(prefix="/api/v1/customers", tags=["read models"], dependencies=[allow(*FRONT_OFFICE)])


def screen_pops(container: Annotated[Container, Depends(get_container)]) -> ScreenPopService:
    return container.screen_pop


@router.get("/{customer_id}/card", response_model=CardOut)
def get_card(
    customer_id: UUID,
    service: Annotated[ScreenPopService, Depends(screen_pops)],
    min_position: Annotated[int | None, Query(ge=0, description="wait until this write is applied")] = None,
) -> CardOut:
    """The customer's card; for a merged duplicate, the survivor's. An erased customer's card
    is its id and `status: erased`, nothing else."""
    return card_out(service.card(customer_id, min_position))


def card_out(pop: ScreenPop) -> CardOut:
    card = pop.card
    organisation = (None if card.organisation_id is None
                    else OrganisationOut(id=card.organisation_id, name=card.organisation_name))
    return CardOut(
        id=card.customer_id, requested_id=pop.requested_id, status=CustomerStatus(card.status),
        merged_into=card.merged_into, kind=None if card.kind is None else CustomerKind(card.kind),
        display_name=card.display_name, organisation=organisation, segment=card.segment,
        abc_class=card.abc_class,
        open_cases=[CardCaseOut(id=c.case_id, kind=CaseKind(c.kind), category=c.category,
                                priority=Priority(c.priority), status=CaseStatus(c.status),
                                opened_at=c.opened_at, first_response_due=c.first_response_due,
                                resolution_due=c.resolution_due) for c in card.open_cases],
        last_contacts=[CardContactOut.model_validate(vars(c)) for c in card.last_contacts],
        preferred_channel=None if card.preferred_channel is None else Channel(card.preferred_channel),
        consents=[CardConsentOut.model_validate(vars(c)) for c in card.consents],
        flags=CardFlagsOut(vip=card.vip, has_open_complaint=card.has_open_complaint),
    )
