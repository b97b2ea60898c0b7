"""Case commands (service requests and complaints) and the case's current state."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from api.access import allow
from api.dependencies import get_container
from api.schemas.cases import (
    AssignIn,
    CaseCreate,
    CasePublic,
    CaseSlaOut,
    EscalateIn,
    FirstResponseIn,
    NoteIn,
    ReasonIn,
    ResolveIn,
    SatisfactionIn,
)
from api.writes import WriteAccepted, command_context, write_response
from contact_center.bootstrap import Container
from contact_center.cases import CaseService
from contact_center.commands import CommandContext
from contact_center.roles import CONTACT_WRITERS, READERS
from domain.case import Case
from domain.sla import CaseSla, SlaPolicy

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])
Ctx = Annotated[CommandContext, Depends(command_context)]


def cases(container: Annotated[Container, Depends(get_container)]) -> CaseService:
    return container.cases


Service = Annotated[CaseService, Depends(cases)]


@router.post("", dependencies=[allow(*CONTACT_WRITERS)], status_code=201, response_model=WriteAccepted)
def open_case(body: CaseCreate, ctx: Ctx, service: Service) -> JSONResponse:
    """Open a service request or complaint for an existing customer; its SLA clock starts now."""
    sla = SlaPolicy(body.first_response_minutes, body.resolution_minutes)
    result = service.open(ctx, body.kind, body.category, body.priority, body.summary,
                          body.customer_id, sla, body.origin_interaction_id)
    return write_response(result, created_at=f"/api/v1/cases/{result.id}")


@router.post("/{case_id}/assign", dependencies=[allow(*CONTACT_WRITERS)], response_model=WriteAccepted)
def assign_case(case_id: UUID, body: AssignIn, ctx: Ctx, service: Service) -> JSONResponse:
    """Give the case to an existing agent (not once it is closed)."""
    return write_response(service.assign(ctx, case_id, body.agent_id))


@router.post("/{case_id}/escalate", dependencies=[allow(*CONTACT_WRITERS)], response_model=WriteAccepted)
def escalate_case(case_id: UUID, body: EscalateIn, ctx: Ctx, service: Service) -> JSONResponse:
    """Raise the escalation level of an open or pending case."""
    return write_response(service.escalate(ctx, case_id, body.level, body.reason))


@router.post("/{case_id}/first-response", response_model=WriteAccepted,
             dependencies=[allow(*CONTACT_WRITERS)])
def record_first_response(case_id: UUID, ctx: Ctx, service: Service,
                          body: FirstResponseIn | None = None) -> JSONResponse:
    """Stop the first-response clock (only the first response counts)."""
    interaction_id = body.interaction_id if body else None
    return write_response(service.record_first_response(ctx, case_id, interaction_id))


@router.post("/{case_id}/notes", dependencies=[allow(*CONTACT_WRITERS)], response_model=WriteAccepted)
def add_note(case_id: UUID, body: NoteIn, ctx: Ctx, service: Service) -> JSONResponse:
    return write_response(service.add_note(ctx, case_id, body.note))


@router.post("/{case_id}/pending", dependencies=[allow(*CONTACT_WRITERS)], response_model=WriteAccepted)
def mark_pending(case_id: UUID, body: ReasonIn, ctx: Ctx, service: Service) -> JSONResponse:
    """Wait on the customer or a third party."""
    return write_response(service.mark_pending(ctx, case_id, body.reason))


@router.post("/{case_id}/resume", dependencies=[allow(*CONTACT_WRITERS)], response_model=WriteAccepted)
def resume_case(case_id: UUID, ctx: Ctx, service: Service) -> JSONResponse:
    """Back to work on a pending case."""
    return write_response(service.resume(ctx, case_id))


@router.post("/{case_id}/resolve", dependencies=[allow(*CONTACT_WRITERS)], response_model=WriteAccepted)
def resolve_case(case_id: UUID, body: ResolveIn, ctx: Ctx, service: Service) -> JSONResponse:
    result = service.resolve(ctx, case_id, body.resolution_code, body.first_contact_resolution)
    return write_response(result)


@router.post("/{case_id}/close", dependencies=[allow(*CONTACT_WRITERS)], response_model=WriteAccepted)
def close_case(case_id: UUID, ctx: Ctx, service: Service) -> JSONResponse:
    """Close a resolved case."""
    return write_response(service.close(ctx, case_id))


@router.post("/{case_id}/reopen", dependencies=[allow(*CONTACT_WRITERS)], response_model=WriteAccepted)
def reopen_case(case_id: UUID, body: ReasonIn, ctx: Ctx, service: Service) -> JSONResponse:
    """Back to open; the resolution and its satisfaction score are cleared."""
    return write_response(service.reopen(ctx, case_id, body.reason))


@router.post("/{case_id}/satisfaction", dependencies=[allow(*CONTACT_WRITERS)], response_model=WriteAccepted)
def record_satisfaction(case_id: UUID, body: SatisfactionIn, ctx: Ctx, service: Service) -> JSONResponse:
    """Record the customer's CSAT score, once per resolution."""
    return write_response(service.record_satisfaction(ctx, case_id, body.score))


@router.get("/{case_id}", dependencies=[allow(*READERS)], response_model=CasePublic)
def get_case(case_id: UUID, service: Service) -> JSONResponse:
    """The case as it stands, with its SLA measured at this moment."""
    case = service.get(case_id)
    body = case_public(case, service.sla_now(case))
    return JSONResponse(body.model_dump(mode="json"), headers={"ETag": f'"{case.version}"'})


def case_public(case: Case, sla: CaseSla) -> CasePublic:
    return CasePublic(
        id=case.id, version=case.version, kind=case.kind, status=case.status,
        category=case.category, priority=case.priority, summary=case.summary,
        customer_id=case.customer_id, origin_interaction_id=case.origin_interaction_id,
        assignee=case.assignee, escalation_level=case.escalation_level,
        first_response_minutes=case.sla.first_response_minutes,
        resolution_minutes=case.sla.resolution_minutes, opened_at=case.opened_at,
        first_response_due=case.first_response_due, resolution_due=case.resolution_due,
        first_responded_at=case.first_responded_at, resolved_at=case.resolved_at,
        closed_at=case.closed_at, resolution_code=case.resolution_code,
        first_contact_resolution=case.first_contact_resolution,
        satisfaction_score=case.satisfaction_score, reopen_count=case.reopen_count,
        notes=list(case.notes), sla=CaseSlaOut(response=sla.response, resolution=sla.resolution),
        modified_at=case.modified_on,
    )
