"""Every process's ear on the push channel: ``LISTEN <schema>_push`` on one async connection.

Whatever process stored a frame, each API process hears it here and hands it to its own
sockets. The connection is re-opened after a failure; ``connected`` is called after every
``LISTEN``, so the caller can fetch from the table what was said while nobody listened.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Protocol

import psycopg
from psycopg import sql

from adapters.push_store import PushStore, RoutedFrame, channel, decode_notice

log = logging.getLogger("switchboard.push")


class PushFeed(Protocol):
    async def run(self, deliver: Callable[[RoutedFrame], None], connected: Callable[[], None]) -> None:
        """Hand every announced frame to ``deliver`` until cancelled; call ``connected`` each
        time listening (re)starts."""


class PostgresPushFeed:
    def __init__(self, database_url: str, schema: str, store: PushStore, *,
                 max_backoff: float = 5.0) -> None:
        self.database_url = database_url
        self.channel = channel(schema)
        self.application_name = f"switchboard-push/{schema}"
        self.store = store
        self.max_backoff = max_backoff

    async def run(self, deliver: Callable[[RoutedFrame], None], connected: Callable[[], None]) -> None:
        """Deliver every announced frame, in order, until cancelled; outages are waited out."""
        failures = 0
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(
                    self.database_url, autocommit=True, application_name=self.application_name)
            except psycopg.Error as exc:
                failures += 1
                log.warning("push feed: PostgreSQL unreachable (%s); retrying", exc)
                await asyncio.sleep(min(self.max_backoff, 0.2 * 2 ** min(failures, 5)))
                continue
            try:
                await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
                failures = 0
                connected()
                async for notice in conn.notifies():
                    await self._deliver(notice.payload, deliver)
            except psycopg.Error as exc:
                failures += 1
                log.warning("push feed lost PostgreSQL (%s); listening again", exc)
                await asyncio.sleep(min(self.max_backoff, 0.2 * 2 ** min(failures, 5)))
            finally:
                await conn.close()

    async def _deliver(self, payload: str, deliver: Callable[[RoutedFrame], None]) -> None:
        frame, row_id = decode_notice(payload)
        if frame is None and row_id is not None:
            frame = await asyncio.to_thread(self.store.frame, row_id)
        if frame is not None:
            deliver(frame)
