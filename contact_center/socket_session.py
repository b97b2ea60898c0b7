"""What every server-side websocket session shares: the socket it writes to, its close codes,
and the race between its pump, a too-slow client, the client leaving and a deadline.

A session's *pump* writes frames until it fails; the session ends with whichever comes first:
the client closed (nothing more to do), the outbound queue overflowed (close 4408), the
deadline passed (close 4401, e.g. a token expired), or the pump failed (close 1011).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Coroutine
from typing import Any, Protocol

log = logging.getLogger("switchboard.push")

TOKEN_REJECTED = 4401  # missing, bad or expired token; reconnect with a fresh one
TOO_SLOW = 4408  # the outbound queue overflowed; reconnect (and resume where supported)
INTERNAL_ERROR = 1011


class ClientGone(Exception):
    """The socket is closed from the other side."""


class FrameSocket(Protocol):
    async def send_text(self, data: str) -> None:
        """Write one text message; :class:`ClientGone` when the client is gone."""

    async def close(self, code: int, reason: str) -> None: ...

    async def wait_closed(self) -> None:
        """Return when the client closes or disconnects (what it sends is ignored)."""


def frame_text(**fields: object) -> str:
    return json.dumps(fields, separators=(",", ":"), default=str)


async def serve_socket(socket: FrameSocket, pump: Coroutine[Any, Any, None], too_slow: asyncio.Event,
                       *, who: str, expires_at: float | None = None, close_timeout: float = 10.0) -> None:
    """Run ``pump`` until the client leaves, falls behind, ``expires_at`` passes or it fails."""
    pumping = asyncio.create_task(pump)
    slow = asyncio.create_task(too_slow.wait())
    gone = asyncio.create_task(socket.wait_closed())
    tasks = (pumping, slow, gone)
    timeout = None if expires_at is None else max(0.0, expires_at - time.time())
    try:
        done, _ = await asyncio.wait(tasks, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    if gone in done:
        return
    if slow in done:
        await close_socket(socket, TOO_SLOW, "too slow", who=who, timeout=close_timeout)
    elif not done:
        await close_socket(socket, TOKEN_REJECTED, "token expired", who=who, timeout=close_timeout)
    elif not pumping.cancelled() and isinstance(pumping.exception(), ClientGone):
        return
    elif not pumping.cancelled() and pumping.exception() is not None:
        log.error("push to %s failed", who, exc_info=pumping.exception())
        await close_socket(socket, INTERNAL_ERROR, "internal error", who=who, timeout=close_timeout)


async def close_socket(socket: FrameSocket, code: int, reason: str, *, who: str, timeout: float) -> None:
    # A slow client's close frame waits behind what it has not read; do not wait for ever.
    try:
        await asyncio.wait_for(socket.close(code, reason), timeout)
    except (TimeoutError, ClientGone):
        log.info("%s socket closed (%d %s) without a closing handshake", who, code, reason)
