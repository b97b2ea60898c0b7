"""Call control: a ringing call is answered or gets an unanswered outcome; a connected
call is held, resumed, transferred and ended. Rules live in ``domain.interaction_call``."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.access import allow
from api.routes.interactions import PREFIX, Ctx, Service
from api.schemas.interactions import AnswerIn, ForwardIn, TransferIn, VoicemailIn
from api.writes import WriteAccepted, write_response
from contact_center.roles import CONTACT_WRITERS

router = APIRouter(prefix=PREFIX, tags=["interactions"], dependencies=[allow(*CONTACT_WRITERS)])


@router.post("/{interaction_id}/answer", response_model=WriteAccepted)
def answer(interaction_id: UUID, body: AnswerIn, ctx: Ctx, service: Service) -> JSONResponse:
    """An agent picks up a ringing call."""
    return write_response(service.answer(ctx, interaction_id, body.agent_id))


@router.post("/{interaction_id}/hold", response_model=WriteAccepted)
def hold(interaction_id: UUID, ctx: Ctx, service: Service) -> JSONResponse:
    return write_response(service.hold(ctx, interaction_id))


@router.post("/{interaction_id}/resume", response_model=WriteAccepted)
def resume(interaction_id: UUID, ctx: Ctx, service: Service) -> JSONResponse:
    return write_response(service.resume(ctx, interaction_id))


@router.post("/{interaction_id}/transfer", response_model=WriteAccepted)
def transfer(interaction_id: UUID, body: TransferIn, ctx: Ctx, service: Service) -> JSONResponse:
    """Hand the call to another agent; a transfer from hold ends the hold."""
    return write_response(service.transfer(ctx, interaction_id, body.to_agent_id))


@router.post("/{interaction_id}/end", response_model=WriteAccepted)
def end(interaction_id: UUID, ctx: Ctx, service: Service) -> JSONResponse:
    """Hang up a connected call."""
    return write_response(service.end(ctx, interaction_id))


@router.post("/{interaction_id}/miss", response_model=WriteAccepted)
def miss(interaction_id: UUID, ctx: Ctx, service: Service) -> JSONResponse:
    """Nobody picked up before the ring timed out."""
    return write_response(service.miss(ctx, interaction_id))


@router.post("/{interaction_id}/abandon", response_model=WriteAccepted)
def abandon(interaction_id: UUID, ctx: Ctx, service: Service) -> JSONResponse:
    """The caller hung up while waiting."""
    return write_response(service.abandon(ctx, interaction_id))


@router.post("/{interaction_id}/busy", response_model=WriteAccepted)
def busy(interaction_id: UUID, ctx: Ctx, service: Service) -> JSONResponse:
    """The called party was busy."""
    return write_response(service.busy(ctx, interaction_id))


@router.post("/{interaction_id}/voicemail", response_model=WriteAccepted)
def voicemail(interaction_id: UUID, body: VoicemailIn, ctx: Ctx, service: Service) -> JSONResponse:
    """The caller left a voicemail instead of being answered."""
    return write_response(service.voicemail(ctx, interaction_id, body.recording_reference))


@router.post("/{interaction_id}/forward", response_model=WriteAccepted)
def forward(interaction_id: UUID, body: ForwardIn, ctx: Ctx, service: Service) -> JSONResponse:
    """The telephony system forwarded the ringing call elsewhere."""
    return write_response(service.forward(ctx, interaction_id, body.forwarded_to))
