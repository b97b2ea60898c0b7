"""``GET /ws/agent``: an agent's live screen-pops and call updates (docs/screen-pop.md).

Role: agent — an agent user's access token or API key, or an agent token minted by an admin
(``Authorization: Bearer`` or, for browsers, ``?token=``). A missing, forged or expired token
is refused in the handshake with HTTP 401 (a problem document saying why), another role with
403; the socket is never accepted. A token that expires while connected closes the socket
with 4401. ``?last_seq=N`` resumes after frame N.
"""

from __future__ import annotations

import math
from typing import Annotated, cast

from fastapi import APIRouter, Query, WebSocket

from api.access import AccessDenied, CurrentUser, allow
from api.websocket_io import StarletteFrameSocket
from contact_center.bootstrap import Container
from contact_center.roles import Role

router = APIRouter(tags=["agent push"])


@router.websocket("/ws/agent", dependencies=[allow(Role.AGENT)])
async def agent_socket(
    websocket: WebSocket,
    principal: CurrentUser,
    last_seq: Annotated[int | None, Query(ge=0, description="the last frame seen; resume after it")] = None,
    token: Annotated[str | None, Query(max_length=2000, description="the access token (browsers)")] = None,
) -> None:
    container = cast(Container, websocket.app.state.container)
    if principal.agent_id is None:
        raise AccessDenied(403, "this user is not tied to an agent")
    expires_at = math.inf if principal.expires_at is None else principal.expires_at
    with container.push.session(principal.agent_id) as session:
        await websocket.accept()
        await session.run(StarletteFrameSocket(websocket), last_seq, expires_at)
