"""Threads of their own for rings: a ``newCall``'s screen-pop never queues behind answers,
hangups and page requests waiting for the shared thread pool (see docs/screen-pop.md)."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


class RingLane:
    def __init__(self, threads: int) -> None:
        self._executor = ThreadPoolExecutor(threads, thread_name_prefix="cti-ring")

    async def run(self, work: Callable[[], T]) -> T:
        """``work`` on one of the lane's threads, with the caller's context variables."""
        context = contextvars.copy_context()
        return await asyncio.get_running_loop().run_in_executor(self._executor, context.run, work)

    def close(self) -> None:
        """Waits for the rings in hand: each is recorded whole before the process stops."""
        self._executor.shutdown(wait=True)
