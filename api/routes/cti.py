"""The CTI webhook, compatible with Zammad's generic CTI push API (see ``docs/cti.md``).

``POST /api/v1/cti/{token}`` with an event (``newCall``, ``answer``, ``hangup``) as JSON or
form data. The token in the path authenticates the telephony system: a wrong one is 401 and
nothing is stored. The answer is ``{}``, or an instruction for the telephony system
(``reject`` a blocked caller, ``dial`` with a caller ID).
"""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from api.access import PUBLIC
from api.cti_body import BodyError, parse_body
from api.dependencies import get_container
from api.schemas.cti import CtiEventIn
from contact_center.bootstrap import Container
from contact_center.cti_events import CtiEvent
from contact_center.cti_integrations import Integration

router = APIRouter(prefix="/api/v1/cti", tags=["cti"], dependencies=[PUBLIC])
ContainerDep = Annotated[Container, Depends(get_container)]


async def arrival() -> float:
    """When the request reached us (``time.perf_counter()``), for screen-pop latency."""
    return time.perf_counter()


def authenticated(token: str, container: ContainerDep) -> Integration:
    integration = container.cti.integrations.authenticate(token)
    if integration is None:
        raise HTTPException(401, "invalid CTI token")
    return integration


async def cti_event(request: Request) -> CtiEvent:
    try:
        data = parse_body(request.headers.get("content-type"), await request.body())
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
def cti_webhook(
    received_at: Annotated[float, Depends(arrival)],
    integration: Annotated[Integration, Depends(authenticated)],
    event: Annotated[CtiEvent, Depends(cti_event)],
    container: ContainerDep,
) -> JSONResponse:
    """A call event from a telephony system: ``newCall``, ``answer`` or ``hangup``."""
    return JSONResponse(container.cti.handle(integration, event, received_at))
