"""A session's socket for tests that run a push or wallboard session without a network: it
keeps what it is sent, as a client that reads at once would."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from contact_center.socket_session import ClientGone

Frame = dict[str, Any]


class RecordingSocket:
    def __init__(self, timeout: float = 90.0) -> None:
        self.frames: asyncio.Queue[Frame] = asyncio.Queue()
        self.gone = asyncio.Event()
        self.closed_with: tuple[int, str] | None = None
        self.timeout = timeout

    async def send_text(self, data: str) -> None:
        if self.gone.is_set():
            raise ClientGone()  # as a closed websocket refuses a send
        self.frames.put_nowait(json.loads(data))

    async def close(self, code: int, reason: str) -> None:
        self.closed_with = (code, reason)
        self.gone.set()

    async def wait_closed(self) -> None:
        await self.gone.wait()

    async def next(self, kind: str | None = None, timeout: float | None = None) -> Frame:
        """The next frame (of ``kind``, skipping others); fails after ``timeout`` seconds."""
        while True:
            frame = await asyncio.wait_for(self.frames.get(), timeout or self.timeout)
            if kind is None or frame["type"] == kind:
                return frame
