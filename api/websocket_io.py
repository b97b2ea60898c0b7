"""What the websocket routes share: the Starlette socket as a session's FrameSocket. (Who may
open a socket is declared like any route's access: api/access.py.)"""

from __future__ import annotations

from fastapi import WebSocket
from starlette.websockets import WebSocketDisconnect, WebSocketDisconnected

from contact_center.socket_session import ClientGone


class StarletteFrameSocket:
    """:class:`~contact_center.socket_session.FrameSocket` over an accepted Starlette websocket."""

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

