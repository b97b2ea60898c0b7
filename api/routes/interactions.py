"""Interaction creation, the commands every channel shares, and the interaction's state.

Call control (answer, hold, … forward) is in :mod:`api.routes.interaction_calls`.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from api.access import CurrentUser, allow
from api.dependencies import get_container
from api.masking import masked
from api.schemas.interactions import (
    BatchAccepted,
    CallRing,
    InteractionBatch,
    InteractionLog,
    InteractionPublic,
    LinkIn,
    NoteIn,
    RecordingIn,
    WrapUpIn,
)
from api.writes import POSITION_HEADER, WriteAccepted, command_context, write_response
from contact_center.bootstrap import Container
from contact_center.commands import CommandContext, WriteResult
from contact_center.interactions import InteractionService, LoggedContact, RingingCall
from contact_center.roles import CONTACT_WRITERS, FRONT_OFFICE, READERS, Role
from domain.interaction import Interaction

PREFIX = "/api/v1/interactions"
router = APIRouter(prefix=PREFIX, tags=["interactions"])
Ctx = Annotated[CommandContext, Depends(command_context)]


def interactions(container: Annotated[Container, Depends(get_container)]) -> InteractionService:
    return container.interactions


Service = Annotated[InteractionService, Depends(interactions)]


def created(result: WriteResult) -> JSONResponse:
    return write_response(result, created_at=f"{PREFIX}/{result.id}")


@router.post("", dependencies=[allow(*CONTACT_WRITERS)], status_code=201, response_model=WriteAccepted)
def log_interaction(body: InteractionLog, ctx: Ctx, service: Service) -> JSONResponse:
    """Log an e-mail, chat, SMS, social message, letter or visit, inbound or outbound."""
    return created(service.log(ctx, LoggedContact(**body.model_dump())))


@router.post("/batch", status_code=201, response_model=BatchAccepted,
             dependencies=[allow(Role.INTEGRATION, Role.ADMIN)])
def log_batch(body: InteractionBatch, ctx: Ctx, service: Service) -> JSONResponse:
    """Import up to 1000 interactions in one transaction: all are stored or none (the problem
    names the refused item, e.g. ``items[3].from_address``). A replay answers 200."""
    result = service.log_many(ctx, [LoggedContact(**item.model_dump()) for item in body.items])
    accepted = BatchAccepted(ids=result.ids, count=len(result.ids), position=result.position,
                             replayed=result.replayed)
    headers = {} if result.position is None else {POSITION_HEADER: str(result.position)}
    return JSONResponse(accepted.model_dump(mode="json"), status_code=200 if result.replayed else 201,
                        headers=headers)


@router.post("/calls", dependencies=[allow(*CONTACT_WRITERS)], status_code=201, response_model=WriteAccepted)
def ring_call(body: CallRing, ctx: Ctx, service: Service) -> JSONResponse:
    """A call starts ringing; numbers are normalised to E.164, a withheld one is left empty."""
    return created(service.ring(ctx, RingingCall(**body.model_dump())))


@router.post("/{interaction_id}/link", dependencies=[allow(*FRONT_OFFICE)], response_model=WriteAccepted)
def link_customer(interaction_id: UUID, body: LinkIn, ctx: Ctx, service: Service) -> JSONResponse:
    """Link (or relink) the interaction to a known customer, also after it ended."""
    return write_response(service.link_customer(ctx, interaction_id, body.customer_id))


@router.post("/{interaction_id}/notes", dependencies=[allow(*FRONT_OFFICE)], response_model=WriteAccepted)
def add_note(interaction_id: UUID, body: NoteIn, ctx: Ctx, service: Service) -> JSONResponse:
    return write_response(service.add_note(ctx, interaction_id, body.note))


@router.post("/{interaction_id}/wrap-up", dependencies=[allow(*FRONT_OFFICE)], response_model=WriteAccepted)
def record_wrap_up(interaction_id: UUID, body: WrapUpIn, ctx: Ctx, service: Service) -> JSONResponse:
    """Record the disposition code; a later wrap-up corrects an earlier one."""
    return write_response(service.record_wrap_up(ctx, interaction_id, body.code, body.notes))


@router.post("/{interaction_id}/recording", response_model=WriteAccepted,
             dependencies=[allow(Role.INTEGRATION, Role.ADMIN)])
def attach_recording(interaction_id: UUID, body: RecordingIn, ctx: Ctx,
                     service: Service) -> JSONResponse:
    """Attach a call recording by reference (often after the call ended)."""
    return write_response(service.attach_recording(ctx, interaction_id, body.reference))


@router.post("/{interaction_id}/close", dependencies=[allow(*CONTACT_WRITERS)], response_model=WriteAccepted)
def close_interaction(interaction_id: UUID, ctx: Ctx, service: Service) -> JSONResponse:
    """Close a non-call interaction (calls finish through their outcome)."""
    return write_response(service.close(ctx, interaction_id))


@router.get("/{interaction_id}", dependencies=[allow(*READERS)], response_model=InteractionPublic)
def get_interaction(interaction_id: UUID, service: Service, principal: CurrentUser) -> JSONResponse:
    """The interaction's current state, with the fields the caller's role does not see as
    null or empty (docs/users-and-roles.md, "Field masking")."""
    interaction = service.get(interaction_id)
    body = masked("interaction", interaction_public(interaction), principal.role)
    return JSONResponse(body.model_dump(mode="json"), headers={"ETag": f'"{interaction.version}"'})


def interaction_public(i: Interaction) -> InteractionPublic:
    return InteractionPublic(
        id=i.id, version=i.version, channel=i.channel, direction=i.direction, status=i.status,
        is_finished=i.is_finished, customer_id=i.customer_id, from_address=i.from_address,
        to_address=i.to_address, subject=i.subject, body=i.body, queue=i.queue,
        agent_id=i.agent_id, started_at=i.started_at, answered_at=i.answered_at,
        held_since=i.held_since, ended_at=i.ended_at, wait_seconds=i.wait_seconds,
        talk_seconds=i.talk_seconds, hold_seconds=i.hold_seconds, forwarded_to=i.forwarded_to,
        recording_references=list(i.recording_references), wrap_up_code=i.wrap_up_code,
        wrap_up_notes=i.wrap_up_notes, notes=list(i.notes),
        created_at=i.created_on, modified_at=i.modified_on,
    )
