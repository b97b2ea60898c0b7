"""A relay that dies between the broker's acknowledgement and the position write re-sends the
batch: the same records again, byte for byte, so consumers de-duplicate by ``id``."""

from __future__ import annotations

from collections import Counter

from eventsourcing.postgres import PostgresApplicationRecorder

from adapters.cloudevents_envelope import CloudEventsEnvelope
from adapters.kafka_producer import KafkaEventLog
from adapters.relay_store import PostgresRelayStore, RelayStoreUnavailable
from adapters.services.stack import Endpoints
from contact_center.bootstrap import Container
from contact_center.relay import EventRelay
from tests.bulk_events import save_batch
from tests.event_log import (
    TopicReader,
    first_occurrences_by_key,
    latest_notification,
    published_position,
    store_order_by_key,
    stored_rows,
    wait_for,
)


class DiesBeforeFirstPositionWrite(PostgresRelayStore):
    """The real store, except that the first position write finds its session gone — what a
    crash right after the acknowledgement looks like to PostgreSQL."""

    crashed = False

    def save_position(self, position: int) -> None:
        if not DiesBeforeFirstPositionWrite.crashed:
            DiesBeforeFirstPositionWrite.crashed = True
            self.close()
            raise RelayStoreUnavailable("session lost after the batch was acknowledged")
        super().save_position(position)


def test_a_batch_acknowledged_but_not_recorded_is_sent_again_identically(
    container: Container, services: Endpoints
) -> None:
    url, schema = services.database_url, container.settings.db_schema
    topic = f"{container.settings.topic_prefix}.events"
    recorder = container.app.recorder
    assert isinstance(recorder, PostgresApplicationRecorder)
    relay = EventRelay(
        topic,
        open_store=lambda: DiesBeforeFirstPositionWrite(recorder, url, topic),
        open_publisher=lambda: KafkaEventLog.open(services.kafka_bootstrap_servers, topic),
        to_record=CloudEventsEnvelope(container.app.mapper.transcoder).record,
    )
    save_batch(container.app, 20, [], label="resend")
    latest = latest_notification(url, schema)
    relay.start()
    try:
        wait_for(lambda: published_position(url, schema, topic) == latest, timeout=60, what="the relay")
    finally:
        relay.stop()
    assert DiesBeforeFirstPositionWrite.crashed

    rows = stored_rows(url, schema)
    reader = TopicReader(services.kafka_bootstrap_servers, topic)
    try:
        records = reader.read_until(lambda got: len(got) >= 2 * len(rows))
        assert reader.poll() == []
    finally:
        reader.close()
    assert Counter(r.id for r in records) == {row.event_id: 2 for row in rows}
    copies: dict[str, set[tuple[str, bytes]]] = {}
    for record in records:
        copies.setdefault(record.id, set()).add((record.key, record.value))
    assert all(len(versions) == 1 for versions in copies.values())  # byte-identical re-sends
    key_of = {r.id: r.key for r in records}
    assert first_occurrences_by_key(records) == store_order_by_key(rows, key_of)
