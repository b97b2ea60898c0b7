"""Every API process's ear on projection commits: ``LISTEN <schema>_projections``.

A projection worker NOTIFYs its full name on that channel in the transaction of every batch it
applies (:meth:`adapters.projection_store.ProjectionTables.notify`), whichever process it runs
in. Live views (the supervisors' wallboard) recompute what a commit may have changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from adapters.notify_listener import listen
from adapters.projection_store import channel


class ProjectionCommits(Protocol):
    async def run(self, committed: Callable[[str], None], connected: Callable[[], None]) -> None:
        """Call ``committed(projection full name)`` after every batch a projection commits,
        until cancelled; call ``connected`` each time listening (re)starts."""


class PostgresProjectionCommits:
    def __init__(self, database_url: str, schema: str, *, max_backoff: float = 5.0) -> None:
        self.database_url = database_url
        self.channel = channel(schema)
        self.application_name = f"switchboard-projection-commits/{schema}"
        self.max_backoff = max_backoff

    async def run(self, committed: Callable[[str], None], connected: Callable[[], None]) -> None:
        async def heard(payload: str) -> None:
            committed(payload)

        await listen(self.database_url, self.channel, self.application_name, heard, connected,
                     max_backoff=self.max_backoff)
