"""A websocket's bounded queue of frames on their way out, shared by every kind of socket.

Offering a frame never waits: when the client reads too slowly and its queue is full, the
connection is marked too slow (its session closes it with 4408) instead of holding up whoever
delivers to many sockets at once. Runs on the event loop only.
"""

from __future__ import annotations

import asyncio
from typing import Generic, TypeVar

from prometheus_client import Counter, Gauge

CONNECTIONS = Gauge("switchboard_websocket_connections", "Open websocket connections.", ["role"])
SLOW_CLIENTS_DROPPED = Counter(
    "switchboard_websocket_slow_clients_dropped", "Websocket connections closed (4408) because "
    "their outbound queue was full.", ["role"])

T = TypeVar("T")


class Outbox(Generic[T]):
    def __init__(self, role: str, size: int) -> None:
        self.role = role
        self.queue: asyncio.Queue[T] = asyncio.Queue(size)
        self.too_slow = asyncio.Event()

    def offer(self, item: T) -> None:
        if self.too_slow.is_set():
            return
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            self.too_slow.set()
            SLOW_CLIENTS_DROPPED.labels(self.role).inc()

    async def next(self, timeout: float) -> T | None:
        """The next item, or None after ``timeout`` seconds without one. An item already
        queued is taken at once; otherwise one wait, no task: ``asyncio.wait_for`` wraps the
        wait in a task of its own (Python 3.11), one more turn of the loop per frame."""
        try:
            return self.queue.get_nowait()
        except asyncio.QueueEmpty:
            pass
        try:
            async with asyncio.timeout(timeout):
                return await self.queue.get()
        except TimeoutError:
            return None
