"""Agent push across API processes: any process publishes, the one holding the socket delivers.

Frames are numbered and stored in PostgreSQL and announced with NOTIFY
(:mod:`adapters.push_store`); every API process listens (:mod:`adapters.push_feed`) and hands
each frame to its own sockets of that agent (:class:`PushHub`). The publishing process hands
its frames to its own sockets at once, without waiting to hear them back. See
docs/screen-pop.md and docs/decisions/0004-push-routing.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Iterator, Sequence
from uuid import UUID

from adapters.push_feed import PushFeed
from adapters.push_store import OutgoingFrame, PushStore, RoutedFrame
from contact_center.periodic import repeat
from contact_center.push_hub import PushHub
from contact_center.push_session import PushSession

log = logging.getLogger("switchboard.push")


class PushRouter:
    def __init__(self, store: PushStore, feed: PushFeed, *, queue_size: int, heartbeat_seconds: float,
                 prune_seconds: float = 60.0, handover_seconds: float = 0.05) -> None:
        self.store = store
        self.feed = feed
        self.hub = PushHub(queue_size)
        self.heartbeat_seconds = heartbeat_seconds
        self.prune_seconds = prune_seconds
        self._tasks: list[asyncio.Task[None]] = []
        self._listening: asyncio.Event | None = None
        self.handover_seconds = handover_seconds
        self._loop: asyncio.AbstractEventLoop | None = None  # this process's sockets' loop, once started
        self._loop_thread: int | None = None

    def publish(self, frames: Sequence[OutgoingFrame]) -> list[RoutedFrame]:
        """Number and route ``frames`` (from any thread, in any process); returns them numbered.
        Sockets of this process get them straight away; other processes hear the NOTIFY.

        From a thread other than the event loop's, this returns once the loop has handed the
        frames to this process's sockets (or after ``handover_seconds``). The caller waits
        asleep instead of going on with Python work (a ring goes on to record the call): a
        thread running Python keeps the interpreter lock for up to its switch interval
        (5 ms) while the loop waits for it to write the frames."""
        routed = self.store.append(frames) if frames else []
        loop = self._loop
        if not routed or loop is None:
            return routed
        handed_over = threading.Event()
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody to tell here
            loop.call_soon_threadsafe(self._deliver_here, routed, handed_over)
            if threading.get_ident() != self._loop_thread:
                handed_over.wait(self.handover_seconds)
        return routed

    def _deliver_here(self, frames: list[RoutedFrame], handed_over: threading.Event) -> None:
        for frame in frames:
            self.hub.deliver(frame)
        # Set after the sessions these deliveries woke have sent: their turns were queued first.
        asyncio.get_running_loop().call_soon(handed_over.set)

    @contextlib.contextmanager
    def session(self, agent_id: UUID) -> Iterator[PushSession]:
        """A socket's session, attached to this process's deliveries while the block runs."""
        connection = self.hub.attach(agent_id)
        try:
            yield PushSession(connection, self.store, heartbeat_seconds=self.heartbeat_seconds)
        finally:
            self.hub.detach(connection)

    async def start(self, timeout: float = 10.0) -> None:
        """Listen for frames; returns once listening (or after ``timeout``, still trying)."""
        if self._tasks:
            return
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._listening = asyncio.Event()
        self._tasks = [asyncio.create_task(self.feed.run(self.hub.deliver, self._connected)),
                       asyncio.create_task(repeat(self.store.prune, self.prune_seconds, log,
                                                  "pruning old push frames"))]
        try:
            await asyncio.wait_for(self._listening.wait(), timeout)
        except TimeoutError:
            log.warning("push feed is not listening yet; agents' frames wait until it is")

    async def stop(self) -> None:
        self._loop = None
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    def _connected(self) -> None:
        assert self._listening is not None
        if self._listening.is_set():
            self.hub.catch_up()  # re-listening: frames announced meanwhile went unheard
        self._listening.set()
