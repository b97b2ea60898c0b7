"""Every process's ear on the push channel: ``LISTEN <schema>_push`` on one async connection.

Whatever process stored a frame, each API process hears it here and hands it to its own
sockets. The connection is re-opened after a failure (:func:`adapters.notify_listener.listen`);
``connected`` is called after every ``LISTEN``, so the caller can fetch from the table what was
said while nobody listened.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol

from adapters.notify_listener import listen
from adapters.push_store import PushStore, RoutedFrame, channel, decode_notice


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
        await listen(self.database_url, self.channel, self.application_name,
                     lambda payload: self._deliver(payload, deliver), connected,
                     max_backoff=self.max_backoff)

    async def _deliver(self, payload: str, deliver: Callable[[RoutedFrame], None]) -> None:
        frame, row_id = decode_notice(payload)
        if frame is None and row_id is not None:
            frame = await asyncio.to_thread(self.store.frame, row_id)
        if frame is not None:
            deliver(frame)
