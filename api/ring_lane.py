"""Threads of their own for rings: a ``newCall``'s screen-pop never queues behind answers,
hangups and page requests waiting for the shared thread pool, nor behind earlier rings whose
calls are being written (see docs/screen-pop.md).

Two sets of threads: one pops (lookup, frames, hand-over to the sockets), the other then
writes the call, which waits for the disk. When commits stall (a checkpoint, a slow disk),
the writing threads wait and the popping ones stay free for the next ring.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


class RingLane:
    def __init__(self, threads: int) -> None:
        self._popping = ThreadPoolExecutor(threads, thread_name_prefix="cti-ring")
        self._writing = ThreadPoolExecutor(threads, thread_name_prefix="cti-ring-write")

    async def pop(self, work: Callable[[], T]) -> T:
        """``work`` on a popping thread, with the caller's context variables."""
        return await self._run(self._popping, work)

    async def write(self, work: Callable[[], T]) -> T:
        """``work`` on a writing thread, with the caller's context variables."""
        return await self._run(self._writing, work)

    @staticmethod
    async def _run(executor: ThreadPoolExecutor, work: Callable[[], T]) -> T:
        context = contextvars.copy_context()
        return await asyncio.get_running_loop().run_in_executor(executor, context.run, work)

    def close(self) -> None:
        """Waits for the rings in hand (the server has finished its requests by then): each
        is popped and recorded whole before the process stops."""
        self._popping.shutdown(wait=True)
        self._writing.shutdown(wait=True)
