"""Case queues from the cases & SLA read model: which cases wait where, and which are late.

``GET /api/v1/cases`` lists; ``POST /api/v1/cases`` and ``GET /api/v1/cases/{id}`` (the
write side's current state) live in :mod:`api.routes.cases`.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from api.access import allow
from api.dependencies import get_container
from api.schemas.case_queue import CaseQueuePage, QueueCountsOut, QueuedCaseOut
from api.schemas.cases import CaseSlaOut
from contact_center.bootstrap import Container
from contact_center.case_queries import MAX_LIMIT, CaseQueryService
from contact_center.roles import FRONT_OFFICE
from domain.case_values import CaseKind, CaseStatus, Priority
from projections.cases_sla_queries import QueuedCase

router = APIRouter(prefix="/api/v1", tags=["read models"], dependencies=[allow(*FRONT_OFFICE)])
MinPosition = Annotated[int | None, Query(ge=0, description="wait until this write is applied")]


def case_queries(container: Annotated[Container, Depends(get_container)]) -> CaseQueryService:
    return container.case_queries


Service = Annotated[CaseQueryService, Depends(case_queries)]


@router.get("/cases", response_model=CaseQueuePage)
def list_cases(
    service: Service,
    status: Annotated[list[CaseStatus] | None,
                      Query(description="repeatable; default open and pending")] = None,
    queue: Annotated[str | None, Query(min_length=1, max_length=100, description="a category")] = None,
    assignee: Annotated[UUID | None, Query(description="an agent id")] = None,
    breached: Annotated[bool | None, Query(description="a deadline passed unmet, or was met late")] = None,
    about_to_breach: Annotated[bool | None, Query(description="a deadline runs with < 20% left")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    min_position: MinPosition = None,
) -> CaseQueuePage:
    """Cases by queue, agent, status and SLA, the soonest running deadline first."""
    page = service.cases(statuses=status or (), queue=queue, assignee=assignee, breached=breached,
                         about_to_breach=about_to_breach, limit=limit, cursor=cursor,
                         min_position=min_position)
    return CaseQueuePage(items=[queued_out(case) for case in page.items], next_cursor=page.next_cursor)


@router.get("/case-queues", response_model=list[QueueCountsOut])
def queue_counts(service: Service, min_position: MinPosition = None) -> list[QueueCountsOut]:
    """Open and pending cases per queue, with how many are breached or about to be."""
    return [QueueCountsOut(queue=q.queue, open=q.open, breached=q.breached,
                           about_to_breach=q.about_to_breach) for q in service.queues(min_position)]


def queued_out(case: QueuedCase) -> QueuedCaseOut:
    return QueuedCaseOut(
        id=case.case_id, customer_id=case.customer_id, kind=CaseKind(case.kind), queue=case.queue,
        priority=Priority(case.priority), status=CaseStatus(case.status), assignee=case.assignee_id,
        escalation_level=case.escalation_level, opened_at=case.opened_at,
        first_response_due=case.first_response_due, resolution_due=case.resolution_due,
        first_responded_at=case.first_responded_at, resolved_at=case.resolved_at,
        next_due=case.next_due, sla=CaseSlaOut(response=case.response, resolution=case.resolution),
        breached=case.breached, about_to_breach=case.about_to_breach,
    )
