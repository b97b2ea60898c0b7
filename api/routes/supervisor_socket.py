"""``GET /ws/supervisor``: the supervisors' live wallboard (docs/wallboard-push.md).

Roles: supervisor and admin — an access token or API key (``Authorization: Bearer`` or, for
browsers, ``?token=``). No valid credential is refused in the handshake with HTTP 401, another
role with 403 (a problem document saying why); the socket is never accepted. A token that
expires while connected closes the socket with 4401. ``period`` and ``team`` choose the
leaderboard; a snapshot comes first, then only what changes.
"""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import APIRouter, Query, WebSocket

from api.access import CurrentUser, allow
from api.websocket_io import StarletteFrameSocket
from contact_center.bootstrap import Container
from contact_center.leaderboard_views import Period
from contact_center.roles import Role
from contact_center.wallboard_reads import WatchKey

router = APIRouter(tags=["wallboard"])


@router.websocket("/ws/supervisor", dependencies=[allow(Role.SUPERVISOR, Role.ADMIN)])
async def supervisor_socket(
    websocket: WebSocket,
    principal: CurrentUser,
    period: Annotated[Period, Query(description="the leaderboard's period")] = Period.DAY,
    team: Annotated[str | None, Query(min_length=1, max_length=100, description="one team only")] = None,
    token: Annotated[str | None, Query(max_length=2000, description="the access token (browsers)")] = None,
) -> None:
    container = cast(Container, websocket.app.state.container)
    async with container.wallboard.session(WatchKey(period, team)) as session:
        await websocket.accept()
        await session.run(StarletteFrameSocket(websocket), principal.expires_at)
