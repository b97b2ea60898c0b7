"""One async PostgreSQL connection that LISTENs on a channel for as long as it runs.

Shared by every process-wide ear on a NOTIFY channel (agents' push frames, projection commits).
The connection is re-opened after a failure with a capped back-off; ``connected`` is called
after every ``LISTEN``, so the caller can catch up on what was said while nobody listened.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import psycopg
from psycopg import sql

log = logging.getLogger("switchboard.listen")


async def listen(database_url: str, channel: str, application_name: str,
                 heard: Callable[[str], Awaitable[None]], connected: Callable[[], None], *,
                 max_backoff: float = 5.0) -> None:
    """Await ``heard(payload)`` for every notification, in order, until cancelled."""
    failures = 0
    while True:
        try:
            conn = await psycopg.AsyncConnection.connect(
                database_url, autocommit=True, application_name=application_name)
        except psycopg.Error as exc:
            failures += 1
            log.warning("%s: PostgreSQL unreachable (%s); retrying", application_name, exc)
            await asyncio.sleep(min(max_backoff, 0.2 * 2 ** min(failures, 5)))
            continue
        try:
            await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
            failures = 0
            connected()
            async for notice in conn.notifies():
                await heard(notice.payload)
        except psycopg.Error as exc:
            failures += 1
            log.warning("%s lost PostgreSQL (%s); listening again", application_name, exc)
            await asyncio.sleep(min(max_backoff, 0.2 * 2 ** min(failures, 5)))
        finally:
            await conn.close()
