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
import time
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from kafka import KafkaConsumer, TopicPartition
from kafka.consumer.subscription_state import ConsumerRebalanceListener

from adapters.kafka_admin import ensure_topic, known_partitions
from adapters.kafka_clients import FetchPacing, connected, pace_fetches
from adapters.kafka_producer import EVENT_TOPIC_CONFIG
from adapters.projected_events import EventDecoder
from adapters.projection_batch import BatchApplier
from adapters.projection_metrics import ProjectionMeter
from adapters.projection_store import ProjectionTables, connect
from projections.base import Projection

log = logging.getLogger("switchboard.projections")
# Seconds between two lag measurements (each asks the broker for end offsets) and, while idle,
# two looks for a rebuild elsewhere (a transaction): not after every empty poll, which would be
# a broker request and a transaction per fetch wait.
LAG_EVERY = 1.0
# A worker with no partitions this long is logged: legitimate only for group members beyond
# the topic's partition count.
UNASSIGNED_NOTICE = 30.0


class _Rebuilt(Exception):
    """The projection was rebuilt or switched by another process while this batch was being
    applied: the batch is rolled back and the worker resumes from the stored offsets."""


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
                 pacing: FetchPacing, partitions: int = 6) -> None:
        self.projection = projection
        self.pacing = pacing
        self._idle_pace: bool | None = None  # which pacing the consumer's next fetch has
        self.topic = topic
        self.decoder = decoder
        self._lag_at = 0.0
        self._unassigned_since: float | None = time.monotonic()
        with ExitStack() as undo:  # nothing of a runner that fails to start stays open
            # The tables are derived from the log: a commit need not wait for the disk. A crash
            # loses whole batches together with their stored offsets, which are applied again.
            self.conn = connect(database_url, schema, synchronous_commit=False)
            undo.callback(self.conn.close)
            self.tables = ProjectionTables(self.conn, schema, projection)
            self.tables.create()
            self.applier = BatchApplier(self.conn, self.tables, projection, decoder)
            self.meter = ProjectionMeter(projection.full_name)
            with self.conn.transaction():
                self.generation = self.tables.generation()
            # Subscribing to a topic that does not exist yet would leave the consumer blind to it
            # until its next metadata refresh (minutes): create it first, as the relay would.
            ensure_topic(bootstrap_servers, topic, partitions=partitions, config=EVENT_TOPIC_CONFIG)
            self.consumer = _group_consumer(
                bootstrap_servers, group_id=f"{group_prefix}.projection.{projection.full_name}",
                client_id=f"switchboard-{projection.full_name}", pacing=self.pacing)
            undo.callback(self.consumer.close)
            # Join the group only once this consumer knows the topic's partitions: a member that
            # joins without them is assigned none until its next metadata refresh.
            known_partitions(self.consumer, topic)
            self.consumer.subscribe([topic], listener=_SeekToStored(self))
            undo.pop_all()

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
        self._pace(idle=not batches)
        if not batches:
            return 0
        self.meter.waiting_since(min(records[0].timestamp for records in batches.values()))
        values = [record.value for records in batches.values() for record in records]
        next_offsets = {tp.partition: records[-1].offset + 1 for tp, records in batches.items()}
        def bookkeeping() -> None:
            self.tables.store_offsets(self.topic, next_offsets)
            self.tables.notify()

        try:
            with self.conn.transaction():  # three round trips: claim, handlers, commit
                done = self.applier.apply_records(values, check=self._still_current,
                                                  bookkeeping=bookkeeping)
        except _Rebuilt:
            return self._start_over()
        self.meter.applied(done.applied, done.redelivered)
        return done.applied

    def _pace(self, *, idle: bool) -> None:
        if idle != self._idle_pace and pace_fetches(self.consumer, *self.pacing.settings(idle=idle)):
            self._idle_pace = idle

    def _still_current(self) -> Callable[[], None]:
        """Lock the generation for the batch (a rebuild's switch waits for it to commit) and
        check, before any handler runs, that no rebuild replaced the tables meanwhile."""
        generation = self.tables.read_generation()

        def verify() -> None:
            if generation() != self.generation:
                raise _Rebuilt  # rolls the batch back: it belongs to the tables replaced
        return verify

    def _start_over(self) -> int:
        """After a rebuild elsewhere: (re)create the tables and resume from the stored offsets
        (none after a drop: from the first record; a switched rebuild's after a switch)."""
        with self.conn.transaction():
            self.generation = self.tables.generation()
        log.info("projection %s was rebuilt: resuming from its stored offsets",
                 self.projection.full_name)
        self.tables.create()
        self.seek_to_stored(list(self.consumer.assignment()))
        return 0

    def lag(self) -> int:
        assigned = list(self.consumer.assignment())
        if not assigned:
            self._notice_unassigned()
            return -1
        self._unassigned_since = None
        ends = self.consumer.end_offsets(assigned)
        stored = self.tables.offsets(self.topic)
        lag = sum(max(0, int(end) - stored.get(tp.partition, 0)) for tp, end in ends.items())
        self.meter.lag(lag)
        return lag

    def _notice_unassigned(self) -> None:
        now = time.monotonic()
        if self._unassigned_since is None:
            self._unassigned_since = now
        elif now - self._unassigned_since >= UNASSIGNED_NOTICE:
            log.warning("projection %s has had no partition of %s for %.0f s (group %s): fine for "
                        "a worker beyond the topic's partition count, otherwise the group is stuck",
                        self.projection.full_name, self.topic, now - self._unassigned_since,
                        self.consumer.config["group_id"])
            self._unassigned_since = now  # once per UNASSIGNED_NOTICE

    def run(self, stop: threading.Event, alive: Callable[[], None] | None = None) -> None:
        """Poll and apply until ``stop`` is set; ``alive`` is called on every turn."""
        while not stop.is_set():
            if alive is not None:
                alive()
            idle = self.poll_once() == 0
            if time.monotonic() - self._lag_at >= LAG_EVERY:
                self._lag_at = time.monotonic()
                if idle:  # a busy worker's batches find a rebuild themselves (_still_current)
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


def _group_consumer(bootstrap_servers: str, *, group_id: str, client_id: str,
                    pacing: FetchPacing) -> KafkaConsumer:
    consumer: KafkaConsumer = connected(
        KafkaConsumer,
        bootstrap_servers=bootstrap_servers,
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=500,
        # The broker answers a fetch once it holds fetch_min_bytes or after fetch_max_wait_ms:
        # under steady traffic a poll then carries a batch rather than a record or two, and
        # each batch is one transaction; a poll that found nothing switches the next fetches
        # to the idle pacing (ProjectionRunner._pace, see docs/projections.md).
        fetch_min_bytes=pacing.batch_min_bytes,
        fetch_max_wait_ms=pacing.batch_wait_ms,
        # A crashed worker's partitions move to a live one after ~6 s, not the default 45 s.
        session_timeout_ms=6000,
        heartbeat_interval_ms=1000,
        client_id=client_id,
        metadata_max_age_ms=30_000,  # partitions added later are seen within 30 s
    )
    return consumer
