"""One agent socket's life: replay what it missed, then live frames and heartbeats, then close.

Frames reach the socket in ``seq`` order with no gaps: a live frame that skips ahead (the
listener was reconnecting) first pulls the missing ones from the window, and when the window
no longer has them the client gets ``resync_required`` and should reload its state over
HTTP. A heartbeat, carrying the connection's ``last_seq``, follows the replay and every
``heartbeat_seconds`` of silence.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Protocol

from adapters.push_store import PushStore, RoutedFrame
from contact_center.push_hub import SCREEN_POP_SECONDS, AgentConnection, CatchUp

log = logging.getLogger("switchboard.push")

TOKEN_REJECTED = 4401  # missing, bad or expired token; reconnect with a fresh one
TOO_SLOW = 4408  # the outbound queue overflowed; reconnect with ?last_seq=
INTERNAL_ERROR = 1011


class ClientGone(Exception):
    """The socket is closed from the other side."""


class FrameSocket(Protocol):
    async def send_text(self, data: str) -> None:
        """Write one text message; :class:`ClientGone` when the client is gone."""

    async def close(self, code: int, reason: str) -> None: ...

    async def wait_closed(self) -> None:
        """Return when the client closes or disconnects (what it sends is ignored)."""


def _frame(**fields: object) -> str:
    return json.dumps(fields, separators=(",", ":"))


class PushSession:
    def __init__(self, connection: AgentConnection, store: PushStore, *, heartbeat_seconds: float,
                 close_timeout: float = 10.0) -> None:
        self.connection = connection
        self.store = store
        self.heartbeat_seconds = heartbeat_seconds
        self.close_timeout = close_timeout

    async def run(self, socket: FrameSocket, last_seq: int | None, expires_at: float) -> None:
        """Serve the socket until the client leaves, falls behind or its token expires."""
        pump = asyncio.create_task(self._pump(socket, last_seq))
        slow = asyncio.create_task(self.connection.too_slow.wait())
        gone = asyncio.create_task(socket.wait_closed())
        tasks = (pump, slow, gone)
        try:
            done, _ = await asyncio.wait(tasks, timeout=max(0.0, expires_at - time.time()),
                                         return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        if gone in done:
            return
        if slow in done:
            await self._close(socket, TOO_SLOW, "too slow")
        elif not done:
            await self._close(socket, TOKEN_REJECTED, "token expired")
        elif not pump.cancelled() and isinstance(pump.exception(), ClientGone):
            return
        elif not pump.cancelled() and pump.exception() is not None:
            log.error("push to agent %s failed", self.connection.agent_id, exc_info=pump.exception())
            await self._close(socket, INTERNAL_ERROR, "internal error")

    async def _pump(self, socket: FrameSocket, last_seq: int | None) -> None:
        connection = self.connection
        replay = await asyncio.to_thread(self.store.replay, connection.agent_id, last_seq)
        if last_seq is None:
            connection.last_seq = replay.current  # a fresh client starts from now
        else:
            connection.last_seq = last_seq
            await self._send_replay(socket, replay.frames, replay.complete, replay.current, live=False)
        await self._heartbeat(socket)
        while True:
            try:
                item = await asyncio.wait_for(connection.queue.get(), self.heartbeat_seconds)
            except TimeoutError:
                await self._heartbeat(socket)
                continue
            if isinstance(item, CatchUp):
                await self._fill(socket, None)
                continue
            if item.seq > connection.last_seq + 1:
                await self._fill(socket, item.seq - 1)
            if item.seq == connection.last_seq + 1:
                await self._send(socket, item)

    async def _fill(self, socket: FrameSocket, until: int | None) -> None:
        """Send the frames after ``last_seq`` (up to ``until``) from the window."""
        after = self.connection.last_seq
        replay = await asyncio.to_thread(self.store.replay, self.connection.agent_id, after, until)
        await self._send_replay(socket, replay.frames, replay.complete,
                                replay.current if until is None else until, live=True)

    async def _send_replay(self, socket: FrameSocket, frames: list[RoutedFrame], complete: bool,
                           current: int, *, live: bool) -> None:
        if not complete:
            await socket.send_text(_frame(type="resync_required", last_seq=self.connection.last_seq,
                                          current_seq=current))
            self.connection.last_seq = current
            return
        for frame in frames:
            if frame.seq == self.connection.last_seq + 1:
                await self._send(socket, frame, live=live)

    async def _send(self, socket: FrameSocket, frame: RoutedFrame, *, live: bool = True) -> None:
        await socket.send_text(frame.body)
        self.connection.last_seq = frame.seq
        if live and frame.kind == "screen_pop" and frame.received_at is not None:
            SCREEN_POP_SECONDS.observe(max(0.0, time.time() - frame.received_at))

    async def _heartbeat(self, socket: FrameSocket) -> None:
        await socket.send_text(_frame(type="heartbeat", last_seq=self.connection.last_seq))

    async def _close(self, socket: FrameSocket, code: int, reason: str) -> None:
        # A slow client's close frame waits behind what it has not read; do not wait for ever.
        try:
            await asyncio.wait_for(socket.close(code, reason), self.close_timeout)
        except (TimeoutError, ClientGone):
            log.info("agent %s socket closed (%d %s) without a closing handshake",
                     self.connection.agent_id, code, reason)
