"""The CTI ring lane: its own threads (popping apart from writing), the caller's context, and a
close that lets rings finish."""

from __future__ import annotations

import asyncio
import contextvars
import threading

from api.ring_lane import RingLane

REQUEST = contextvars.ContextVar("request", default="none")


def test_work_runs_on_the_lane_with_the_callers_context() -> None:
    lane = RingLane(2)

    def work() -> tuple[str, str]:
        return threading.current_thread().name, REQUEST.get()

    async def ring() -> tuple[tuple[str, str], tuple[str, str]]:
        REQUEST.set("ring-1")
        return await lane.pop(work), await lane.write(work)

    try:
        (popped_on, popped_for), (written_on, written_for) = asyncio.run(ring())
    finally:
        lane.close()
    assert popped_on.startswith("cti-ring_")
    assert written_on.startswith("cti-ring-write_")
    assert popped_for == written_for == "ring-1"


def test_close_waits_for_a_ring_in_hand() -> None:
    lane = RingLane(1)
    started, release, recorded = threading.Event(), threading.Event(), []

    def work() -> None:
        started.set()
        release.wait()
        recorded.append("ring")

    async def ring() -> None:
        await lane.write(work)

    runner = threading.Thread(target=asyncio.run, args=(ring(),))
    runner.start()
    assert started.wait(10)
    closer = threading.Thread(target=lane.close)
    closer.start()
    closer.join(0.2)
    assert closer.is_alive()
    assert recorded == []
    release.set()
    closer.join(10)
    runner.join(10)
    assert recorded == ["ring"]
    assert not closer.is_alive()
