"""Work that lives as long as the HTTP app: the in-process event relay and projections, the
listeners that bring agents' push frames and projection commits to this process's sockets, and
the periodic forgetting of CTI calls past their retention."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import log_redaction
from api.ring_lane import RingLane
from contact_center.bootstrap import Container

log = logging.getLogger("switchboard.cti")
FORGET_CALLS_EVERY = 600.0  # seconds between two looks for calls past their retention


@asynccontextmanager
async def background_work(app: FastAPI) -> AsyncIterator[None]:
    """Start the relay thread with the app when ``settings.relay_in_process``; stop it after."""
    container: Container = app.state.container
    log_redaction.install()  # uvicorn has configured its loggers by now
    if container.settings.relay_in_process:
        container.relay.start()
    if container.settings.projections_in_process:
        container.projections.start()
    await container.push.start()  # listen for agents' frames before the first socket connects
    await container.wallboard.start()  # listen for projection commits for supervisors' sockets
    forgetting = asyncio.create_task(forget_old_calls(container, FORGET_CALLS_EVERY))
    try:
        yield
    finally:
        forgetting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await forgetting
        await container.wallboard.stop()
        await container.push.stop()
        await asyncio.to_thread(container.relay.stop)
        await asyncio.to_thread(container.projections.stop)
        ring_lane: RingLane = app.state.ring_lane
        await asyncio.to_thread(ring_lane.close)


async def forget_old_calls(container: Container, every: float) -> None:
    """The CTI calls past their retention are forgotten when the app starts, then every ``every``
    seconds (each API process does it; a second DELETE finds nothing)."""
    while True:
        try:
            forgotten = await asyncio.to_thread(container.cti.forget_old_calls)
            if forgotten:
                log.info("forgot %d CTI calls past their retention", forgotten)
        except Exception:
            log.exception("forgetting old CTI calls failed; trying again later")
        await asyncio.sleep(every)
