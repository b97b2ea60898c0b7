"""What every write endpoint shares: the command context from headers, and the response."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Header, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.access import current_principal
from contact_center.access_tokens import Principal
from contact_center.commands import CommandContext, WriteResult

POSITION_HEADER = "X-Switchboard-Position"


class WriteAccepted(BaseModel):
    """The outcome of a command: the aggregate, its new version, and the global position
    of the last stored event (pass it as ``min_position`` to read your own write)."""

    id: UUID
    version: int
    position: int | None
    replayed: bool = False


def _parse_if_match(value: str | None) -> int | None:
    if value is None or value.strip() == "*":
        return None  # "*": any current version (RFC 9110), so no version to check
    tag = value.strip().removeprefix("W/").strip('"')
    # ASCII digits only ("²".isdigit() holds), and no more than a version can have.
    if not (tag.isascii() and tag.isdigit() and len(tag) <= 18):
        raise HTTPException(422, "If-Match must be an aggregate version, e.g. \"3\"")
    return int(tag)


def command_context(
    principal: Annotated[Principal, Depends(current_principal)],
    idempotency_key: Annotated[str | None, Header(min_length=1, max_length=200)] = None,
    if_match: Annotated[str | None, Header()] = None,
) -> CommandContext:
    """Who acts (the signed-in principal), ``Idempotency-Key`` and ``If-Match`` (a version).
    A key is the caller's own: stored under the principal's name, so two users or integrations
    that pick the same key never replay, or are refused, each other's commands."""
    return CommandContext(
        actor=principal.actor,
        idempotency_key=None if idempotency_key is None else f"{principal.actor} {idempotency_key}",
        expected_version=_parse_if_match(if_match),
    )


def write_response(result: WriteResult, *, created_at: str | None = None) -> JSONResponse:
    status = 201 if created_at is not None and not result.replayed else 200
    headers = {"ETag": f'"{result.version}"'}
    if result.position is not None:
        headers[POSITION_HEADER] = str(result.position)
    if created_at is not None:
        headers["Location"] = created_at
    body = WriteAccepted(id=result.id, version=result.version, position=result.position,
                         replayed=result.replayed)
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)
