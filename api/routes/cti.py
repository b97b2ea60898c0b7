"""The CTI webhook, compatible with Zammad's generic CTI push API (see ``docs/cti.md``).

``POST /api/v1/cti/{token}`` with an event (``newCall``, ``answer``, ``hangup``) as JSON or
form data. The token in the path authenticates the telephony system: a wrong one is 401 and
nothing is stored. The answer is ``{}``, or an instruction for the telephony system
(``reject`` a blocked caller, ``dial`` with a caller ID).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from api.access import PUBLIC
from api.cti_body import BodyError, parse_body
from api.dependencies import get_container
from api.ring_lane import RingLane
from api.schemas.cti import CtiEventIn
from contact_center.bootstrap import Container
from contact_center.cti import Reply
from contact_center.cti_events import CtiEvent, CtiEventKind
from contact_center.cti_integrations import Integration

router = APIRouter(prefix="/api/v1/cti", tags=["cti"], dependencies=[PUBLIC])
ContainerDep = Annotated[Container, Depends(get_container)]


def authenticated(token: str, container: Container) -> Integration:
    integration = container.cti.integrations.authenticate(token)
    if integration is None:
        raise HTTPException(401, "invalid CTI token")
    return integration


def cti_event(content_type: str | None, body: bytes) -> CtiEvent:
    try:
        data = parse_body(content_type, body)
    except BodyError as exc:
        raise RequestValidationError(
            [{"type": "cti_body", "loc": ("body",), "msg": str(exc), "input": None}]) from exc
    try:
        return CtiEventIn.model_validate(data).to_event()
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from exc


@router.post("/{token}", responses={
    200: {"description": "`{}`, `{\"action\": \"reject\", \"reason\": \"busy\"}` or "
                         "`{\"action\": \"dial\", \"callerId\": …, \"number\": …}`"},
    401: {"description": "unknown token"},
    422: {"description": "malformed body, unknown event or invalid field"},
})
async def cti_webhook(token: str, request: Request, container: ContainerDep) -> JSONResponse:
    """A call event from a telephony system: ``newCall``, ``answer`` or ``hangup``.

    The token is checked first (a wrong one is 401 whatever the body), then the body (422),
    then the event is applied — all in one trip to a thread, so a ring reaches the
    screen-pop without waiting for the event loop in between. A ring pops on threads of its
    own and writes its call on others (:class:`~api.ring_lane.RingLane`), so rings whose writes
    wait for the disk never leave the next ring without a thread; every other event runs on
    the shared pool."""
    received_at = time.perf_counter()  # for the screen-pop latency metric
    body = await request.body()
    try:  # read here, answered after the token check
        read: CtiEvent | RequestValidationError = cti_event(request.headers.get("content-type"), body)
    except RequestValidationError as exc:
        read = exc

    def begin() -> Callable[[], Reply]:
        integration = authenticated(token, container)
        if isinstance(read, RequestValidationError):
            raise read
        return container.cti.begin(integration, read, received_at)

    if isinstance(read, CtiEvent) and read.kind is CtiEventKind.NEW_CALL:
        ring_lane: RingLane = request.app.state.ring_lane
        return JSONResponse(await ring_lane.write(await ring_lane.pop(begin)))
    return JSONResponse(await run_in_threadpool(lambda: begin()()))
