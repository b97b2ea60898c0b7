"""Processes that start together on a new schema (an API, a relay and its standby) all come up:
table creation is serialised, so PostgreSQL's catalog never sees two at once."""

from __future__ import annotations

import threading

from adapters.event_store import postgres_env
from adapters.services.stack import Endpoints
from contact_center.application import SwitchboardApplication


def test_four_applications_start_at_once_on_a_fresh_schema(services: Endpoints, pg_schema: str) -> None:
    failures: list[str] = []

    def start() -> None:
        try:
            SwitchboardApplication(env=postgres_env(services.database_url, pg_schema, 2),
                                   data_keys=None).close()
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            failures.append(repr(error))

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
