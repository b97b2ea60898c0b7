"""A customer's timeline across every channel (the caller history read model)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from api.access import allow
from api.dependencies import get_container
from api.moments import InCalendar
from api.schemas.timeline import TimelineEntryOut, TimelinePage
from contact_center.bootstrap import Container
from contact_center.caller_history import DEFAULT_LIMIT, CallerHistoryService
from contact_center.roles import HISTORY_READERS
from domain.interaction_values import Channel
from projections.caller_history import MAX_LIMIT

router = APIRouter(prefix="/api/v1/customers", tags=["read models"], dependencies=[allow(*HISTORY_READERS)])


def history(container: Annotated[Container, Depends(get_container)]) -> CallerHistoryService:
    return container.history


@router.get("/{customer_id}/timeline", response_model=TimelinePage,
            responses={404: {"description": "the read model knows nothing of this customer"},
                       503: {"description": "the read model has not yet applied `min_position`"}})
def customer_timeline(
    customer_id: UUID,
    service: Annotated[CallerHistoryService, Depends(history)],
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=500, description="`next_cursor` of a page")] = None,
    channel: Annotated[list[Channel] | None, Query(description="only these channels (repeatable)")] = None,
    since: Annotated[datetime | None, InCalendar, Query(description="from this time on (inclusive)")] = None,
    until: Annotated[datetime | None, InCalendar, Query(description="before this time (exclusive)")] = None,
    min_position: Annotated[int | None, Query(ge=0, description="wait until this write is applied")] = None,
) -> TimelinePage:
    """Interactions on every channel, cases and consent changes of the customer and of the
    duplicates merged into it, newest first. An erased customer's entries keep their shape
    with personal text reading `[erased]`."""
    page = service.timeline(customer_id, limit=limit, cursor=cursor, channels=channel or (),
                            since=since, until=until, min_position=min_position)
    return TimelinePage(entries=[TimelineEntryOut.model_validate(e) for e in page.entries],
                        next_cursor=page.next_cursor)
