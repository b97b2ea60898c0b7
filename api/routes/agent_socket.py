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
from starlette.websockets import WebSocketDisconnect, WebSocketDisconnected

from api.access import AccessDenied, CurrentUser, allow
from contact_center.bootstrap import Container
from contact_center.push_session import ClientGone
from contact_center.roles import Role

router = APIRouter(tags=["agent push"])


class StarletteFrameSocket:
    """:class:`~contact_center.push_session.FrameSocket` over an accepted Starlette websocket."""

    def __init__(self, websocket: WebSocket) -> None:
        self.websocket = websocket

    async def send_text(self, data: str) -> None:
        try:
            await self.websocket.send_text(data)
        except (WebSocketDisconnect, WebSocketDisconnected) as exc:
            raise ClientGone() from exc

    async def close(self, code: int, reason: str) -> None:
        try:
            await self.websocket.close(code, reason)
        except (WebSocketDisconnect, WebSocketDisconnected) as exc:
            raise ClientGone() from exc

    async def wait_closed(self) -> None:
        while (await self.websocket.receive())["type"] != "websocket.disconnect":
            pass  # clients have nothing to say yet; what they send is read and dropped


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
