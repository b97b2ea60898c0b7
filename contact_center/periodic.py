"""Upkeep that an API process runs for as long as it lives: blocking work, now and every so often."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable


async def repeat(work: Callable[[], object], every: float, log: logging.Logger, what: str) -> None:
    """Run ``work`` in a thread now and every ``every`` seconds after, until cancelled; a failure
    is logged and the work tried again at the next turn."""
    while True:
        try:
            await asyncio.to_thread(work)
        except Exception:
            log.exception("%s failed; trying again later", what)
        await asyncio.sleep(every)
