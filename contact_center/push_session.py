"""One agent socket's life: replay what it missed, then live frames and heartbeats, then close.

Frames reach the socket in ``seq`` order with no gaps: a live frame that skips ahead (the
listener was reconnecting) first pulls the missing ones from the window, and when the window
no longer has them the client gets ``resync_required`` and should reload its state over
HTTP. A heartbeat, carrying the connection's ``last_seq``, follows the replay and every
``heartbeat_seconds`` of silence.
"""

from __future__ import annotations

import asyncio
import time

from adapters.push_store import PushStore, RoutedFrame
from contact_center.push_hub import SCREEN_POP_SECONDS, AgentConnection, CatchUp
from contact_center.socket_session import FrameSocket, frame_text, serve_socket


class PushSession:
    def __init__(self, connection: AgentConnection, store: PushStore, *, heartbeat_seconds: float,
                 close_timeout: float = 10.0) -> None:
        self.connection = connection
        self.store = store
        self.heartbeat_seconds = heartbeat_seconds
        self.close_timeout = close_timeout

    async def run(self, socket: FrameSocket, last_seq: int | None, expires_at: float) -> None:
        """Serve the socket until the client leaves, falls behind or its token expires."""
        await serve_socket(socket, self._pump(socket, last_seq), self.connection.too_slow,
                           who=f"agent {self.connection.agent_id}", expires_at=expires_at,
                           close_timeout=self.close_timeout)

    async def _pump(self, socket: FrameSocket, last_seq: int | None) -> None:
        connection = self.connection
        replay = await asyncio.to_thread(self.store.replay, connection.agent_id, last_seq)
        if last_seq is None:
            # A fresh client starts from now: from when its socket opened, so a frame queued
            # while the replay was read (and counted in it) is still sent.
            first = connection.first_offered
            connection.last_seq = replay.current if first is None else min(replay.current, first - 1)
        else:
            connection.last_seq = last_seq
            await self._send_replay(socket, replay.frames, replay.complete, replay.current, live=False)
        await self._heartbeat(socket)
        while True:
            item = await connection.next(self.heartbeat_seconds)
            if item is None:
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
            await socket.send_text(frame_text(type="resync_required", last_seq=self.connection.last_seq,
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
        await socket.send_text(frame_text(type="heartbeat", last_seq=self.connection.last_seq))
