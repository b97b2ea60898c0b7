"""Runs one projection as a Kafka consumer group, exactly-once in effect.

Each poll's records are applied in one PostgreSQL transaction together with the next
offsets of their partitions, and each event id is claimed once per projection. A crash
before commit loses nothing (the offsets were not stored); a crash after commit applies
nothing twice (on restart the consumer seeks to the stored offsets; a relay re-send is
recognised by its CloudEvents id). Kafka's own committed offsets are informational only.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from kafka import KafkaConsumer, TopicPartition
from kafka.consumer.subscription_state import ConsumerRebalanceListener
from prometheus_client import Counter, Gauge

from adapters.kafka_admin import ensure_topic
from adapters.kafka_producer import EVENT_TOPIC_CONFIG
from adapters.projected_events import EventDecoder
from adapters.projection_store import PgTx, ProjectionTables, connect
from projections.base import Projection

log = logging.getLogger("switchboard.projections")
APPLIED = Counter("switchboard_projection_applied_total", "Events applied", ["projection"])
SKIPPED = Counter("switchboard_projection_redelivered_total", "Re-delivered events skipped",
                  ["projection"])
LAG = Gauge("switchboard_projection_lag_events", "Records on Kafka not yet applied", ["projection"])


class _Rebuilt(Exception):
    """The projection was rebuilt by another process while this batch was being applied."""


class _SeekToStored(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, runner: ProjectionRunner) -> None:
        self.runner = runner

    def on_partitions_revoked(self, revoked: Any) -> None:
        """Nothing to flush: every applied batch is already committed with its offsets."""

    def on_partitions_assigned(self, assigned: Any) -> None:
        self.runner.seek_to_stored(list(assigned))


class ProjectionRunner:
    def __init__(self, projection: Projection, *, database_url: str, schema: str,
                 bootstrap_servers: str, topic: str, decoder: EventDecoder, group_prefix: str,
                 partitions: int = 6) -> None:
        self.projection = projection
        self.topic = topic
        self.decoder = decoder
        self.conn = connect(database_url, schema)
        self.tables = ProjectionTables(self.conn, schema, projection)
        self.tables.create()
        with self.conn.transaction():
            self.generation = self.tables.generation()
        # Subscribing to a topic that does not exist yet would leave the consumer blind to it
        # until its next metadata refresh (minutes): create it first, as the relay would.
        ensure_topic(bootstrap_servers, topic, partitions=partitions, config=EVENT_TOPIC_CONFIG)
        self.consumer = KafkaConsumer(
            bootstrap_servers=bootstrap_servers,
            group_id=f"{group_prefix}.projection.{projection.full_name}",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=500,
            # A crashed worker's partitions move to a live one after ~6 s, not the default 45 s.
            session_timeout_ms=6000,
            heartbeat_interval_ms=1000,
            client_id=f"switchboard-{projection.full_name}",
        )
        self.consumer.subscribe([topic], listener=_SeekToStored(self))

    def seek_to_stored(self, partitions: list[TopicPartition]) -> None:
        stored = self.tables.offsets(self.topic)
        for tp in partitions:
            if tp.partition in stored:
                self.consumer.seek(tp, stored[tp.partition])
            else:
                self.consumer.seek_to_beginning(tp)

    def poll_once(self, timeout_ms: int = 500) -> int:
        """Apply one poll's records; returns how many were newly applied."""
        batches = self.consumer.poll(timeout_ms=timeout_ms)
        if not batches:
            return 0
        applied = 0
        name = self.projection.full_name
        tx = PgTx(self.conn)
        try:
            with self.conn.transaction():
                if self.tables.generation() != self.generation:
                    raise _Rebuilt  # rolls the batch back: it belongs to the old tables
                for tp, records in batches.items():
                    for event in self.decoder.decode_many([record.value for record in records]):
                        if self.tables.claim(event.id, event.sequence):
                            self.projection.apply(tx, event)
                            applied += 1
                        else:
                            SKIPPED.labels(name).inc()
                    self.tables.store_offset(tp.topic, tp.partition, records[-1].offset + 1)
                self.tables.notify()
        except _Rebuilt:
            return self._start_over()
        APPLIED.labels(name).inc(applied)
        return applied

    def _start_over(self) -> int:
        """After a rebuild elsewhere: recreate the tables and replay from the first record."""
        with self.conn.transaction():
            self.generation = self.tables.generation()
        log.info("projection %s was rebuilt: replaying from the first record", self.projection.full_name)
        self.tables.create()
        self.seek_to_stored(list(self.consumer.assignment()))
        return 0

    def lag(self) -> int:
        assigned = list(self.consumer.assignment())
        if not assigned:
            return -1
        ends = self.consumer.end_offsets(assigned)
        stored = self.tables.offsets(self.topic)
        lag = sum(max(0, int(end) - stored.get(tp.partition, 0)) for tp, end in ends.items())
        LAG.labels(self.projection.full_name).set(lag)
        return lag

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            if self.poll_once() == 0:
                self._start_over_if_rebuilt()
                self.lag()

    def _start_over_if_rebuilt(self) -> None:
        with self.conn.transaction():
            rebuilt = self.tables.generation() != self.generation
        if rebuilt:
            self._start_over()


    def close(self) -> None:
        self.consumer.close()
        self.conn.close()


def lag_report(bootstrap_servers: str, topic: str, database_url: str, schema: str,
               projections: list[Projection]) -> dict[str, int]:
    """Records on the topic each projection has not yet applied, without joining its group."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=None,
                             enable_auto_commit=False)
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        ends = consumer.end_offsets([TopicPartition(topic, p) for p in partitions])
    finally:
        consumer.close()
    report = {}
    with connect(database_url, schema) as conn:
        for projection in projections:
            stored = ProjectionTables(conn, schema, projection).offsets(topic)
            report[projection.full_name] = sum(
                max(0, int(end) - stored.get(tp.partition, 0)) for tp, end in ends.items())
    return report
