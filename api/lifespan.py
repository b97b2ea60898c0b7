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
from contact_center.periodic import repeat

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
    # CTI calls past their retention, forgotten at start and every 10 minutes by each API process.
    forgetting = asyncio.create_task(repeat(container.cti.forget_old_calls, FORGET_CALLS_EVERY, log,
                                            "forgetting old CTI calls"))
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
