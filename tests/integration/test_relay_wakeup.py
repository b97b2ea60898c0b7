"""A save wakes the relay with a NOTIFY sent once the save has committed, never from inside it:
PostgreSQL commits every notifying transaction under one lock, held through the commit's WAL
flush, so a save notifying from inside would hold the agents' push frames behind its disk flush
(adapters/event_insert.py)."""

from __future__ import annotations

from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg import sql

from adapters.relay_store import PostgresRelayStore
from adapters.services.stack import Endpoints
from contact_center.bootstrap import Container
from tests.bulk_events import save_batch
from tests.event_log import latest_notification


def test_a_save_wakes_the_relay_and_its_events_are_readable_by_then(
    container: Container, services: Endpoints
) -> None:
    recorder = container.app.recorder
    assert isinstance(recorder, PostgresApplicationRecorder)
    store = PostgresRelayStore(recorder, services.database_url, f"{container.settings.topic_prefix}.events")
    try:
        before = store.latest()
        assert not store.wait(0.2)  # nothing saved yet: no wake-up
        save_batch(container.app, 1, [], label="wake")
        assert store.wait(30.0)
        saved = latest_notification(services.database_url, container.settings.db_schema)
        assert saved > before
        assert store.latest() == saved  # committed before the relay was told
        assert not store.wait(0.2)  # one save, one wake-up (drained)
    finally:
        store.close()


def test_the_save_function_sends_no_notification_from_inside_its_transaction(
    container: Container, services: Endpoints
) -> None:
    query = sql.SQL("SELECT pg_get_functiondef(to_regproc({}))").format(
        sql.Literal(f"{container.settings.db_schema}.switchboard_record_events"))
    recorder = container.app.recorder
    assert isinstance(recorder, PostgresApplicationRecorder)
    with recorder.datastore.get_connection() as conn:
        row = conn.execute(query).fetchone()
    assert row is not None
    definition = str(next(iter(row.values())))
    assert "LOCK TABLE" in definition  # the function read is the save's
    assert "NOTIFY" not in definition.upper()
