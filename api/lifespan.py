"""Work that lives as long as the HTTP app: the in-process event relay and projections, and the
listeners that bring agents' push frames and projection commits to this process's sockets."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import log_redaction
from api.ring_lane import RingLane
from contact_center.bootstrap import Container


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
    try:
        yield
    finally:
        await container.wallboard.stop()
        await container.push.stop()
        await asyncio.to_thread(container.relay.stop)
        await asyncio.to_thread(container.projections.stop)
        ring_lane: RingLane = app.state.ring_lane
        await asyncio.to_thread(ring_lane.close)
