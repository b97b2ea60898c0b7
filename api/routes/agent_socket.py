"""``GET /ws/agent``: an agent's live screen-pops and call updates (docs/screen-pop.md).

Role: agent, by an agent token (``Authorization: Bearer`` or, for browsers, ``?token=``).
A missing, forged or expired token is refused in the handshake with HTTP 401 (a problem
document saying why); the socket is never accepted. A token that expires while connected
closes the socket with 4401. ``?last_seq=N`` resumes after frame N.
"""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import APIRouter, Query, WebSocket
from starlette.websockets import WebSocketDisconnect, WebSocketDisconnected

from api.problems import problem
from contact_center.agent_tokens import InvalidAgentToken
from contact_center.bootstrap import Container
from contact_center.push_session import TOKEN_REJECTED, ClientGone

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


def bearer(authorization: str | None) -> str | None:
    scheme, _, token = (authorization or "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


async def refuse(websocket: WebSocket, reason: str) -> None:
    if "websocket.http.response" in websocket.scope.get("extensions", {}):
        await websocket.send_denial_response(problem(401, "Unauthorized", reason))
    else:  # servers without the denial extension answer the handshake with 403
        await websocket.close(TOKEN_REJECTED, reason)


@router.websocket("/ws/agent")
async def agent_socket(
    websocket: WebSocket,
    last_seq: Annotated[int | None, Query(ge=0, description="the last frame seen; resume after it")] = None,
    token: Annotated[str | None, Query(max_length=200, description="the agent token (browsers)")] = None,
) -> None:
    container = cast(Container, websocket.app.state.container)
    try:
        claims = container.agent_tokens.tokens.verify(bearer(websocket.headers.get("authorization")) or token)
    except InvalidAgentToken as exc:
        await refuse(websocket, exc.message)
        return
    with container.push.session(claims.agent_id) as session:
        await websocket.accept()
        await session.run(StarletteFrameSocket(websocket), last_seq, claims.expires_at)
