"""Rebuild rate: ``switchboard projections rebuild`` from Kafka offset 0, and from the store.

The backlog is written through the application (personal fields encrypted) and published
by the relay, here run as ``switchboard relay`` in a process of its own so that it does not
share the writer's interpreter lock (in one process the two slow each other down
several-fold, which would only stretch the run). Each rebuild is the real side-by-side
rebuild (:class:`adapters.projection_rebuild.SideBySideRebuild`) with a cold data-key cache:
new tables beside the live ones, every record on the topic (or every stored event) applied,
then the atomic switch; the time includes the switch. Next to it, a plain consumer reads
the same records with no processing: the ceiling Kafka and the client library set on this
machine.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from kafka import KafkaConsumer, TopicPartition

from adapters.projected_events import EventDecoder
from adapters.projection_rebuild import SideBySideRebuild
from bench.caller_events import EVENTS_PER_CALLER, save_callers
from bench.relay import Positions, switchboard_process, wait_until
from contact_center.bootstrap import Container
from contact_center.event_log_wiring import data_key_store, open_read_model, read_models

CALLERS_PER_SAVE = 50  # 500 events per transaction
FIRST_CALLER = 10**7  # numbers apart from the paced phase's callers
REBUILT = ("identity_lookup_v1", "caller_history_v1")


@dataclass(frozen=True)
class Drain:
    records: int  # applied (or read)
    total: int  # on the topic
    seconds: float  # first poll → last record

    @property
    def rate(self) -> float:
        return self.records / self.seconds

    @property
    def finished(self) -> bool:
        return self.records >= self.total


def prewrite(container: Container, events: int, relay_log: Path) -> tuple[int, float]:
    """Write ``events`` (rounded up to whole callers) and wait for the relay to publish them;
    returns the count and the write → published rate."""
    container.relay.stop()  # the in-process relay hands over to the relay process
    callers, began = -(-events // EVENTS_PER_CALLER), time.perf_counter()
    position = Positions(container, f"{container.settings.topic_prefix}.events")
    try:
        with switchboard_process(container, relay_log, "relay"):
            for first in range(FIRST_CALLER, FIRST_CALLER + callers, CALLERS_PER_SAVE):
                save_callers(container.app, first, min(CALLERS_PER_SAVE, FIRST_CALLER + callers - first))
            latest = container.app.recorder.max_notification_id() or 0
            wait_until(lambda: position() >= latest, 600, "the relay publishing the backlog")
    finally:
        position.conn.close()
    return callers * EVENTS_PER_CALLER, callers * EVENTS_PER_CALLER / (time.perf_counter() - began)


def topic_size(servers: str, topic: str) -> int:
    consumer = KafkaConsumer(bootstrap_servers=servers, group_id=None, enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        starts, ends = consumer.beginning_offsets(partitions), consumer.end_offsets(partitions)
        return sum(int(ends[tp]) - int(starts[tp]) for tp in partitions)
    finally:
        consumer.close()


def raw_read(servers: str, topic: str, total: int, cap: float) -> Drain:
    """Every record from offset 0 with kafka-python, no decoding: records/s."""
    consumer = KafkaConsumer(bootstrap_servers=servers, group_id=None, enable_auto_commit=False,
                             max_poll_records=500)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic))]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        read, began = 0, time.perf_counter()
        while read < total and time.perf_counter() - began < cap:
            read += sum(len(records) for records in consumer.poll(timeout_ms=200).values())
        return Drain(read, total, time.perf_counter() - began)
    finally:
        consumer.close()


class _Count:
    def __init__(self) -> None:
        self.events = 0

    def phase(self, description: str, total: int) -> None:
        """Only the count matters here."""

    def advance(self, events: int) -> None:
        self.events += events


def rebuild(container: Container, name: str, total: int, *, from_store: bool = False) -> Drain:
    """The side-by-side rebuild of projection ``name`` with a cold key cache, switch included:
    records (or stored events) read per second."""
    settings, endpoints = container.settings, container.endpoints
    keys = data_key_store(settings, endpoints)  # a cold key cache, as after a restart
    projection = next(p for p in read_models(settings, keys) if p.full_name == name)
    side = SideBySideRebuild(
        projection, database_url=endpoints.database_url, schema=settings.db_schema,
        bootstrap_servers=endpoints.kafka_bootstrap_servers, topic=f"{settings.topic_prefix}.events",
        decoder=EventDecoder(keys), partitions=settings.event_partitions,
        copy_processes=settings.projection_rebuild_processes,
        open_in_worker=partial(open_read_model, settings, endpoints, name))
    count = _Count()
    try:
        began = time.perf_counter()
        if from_store:
            assert container.projections.stored_events is not None
            side.from_store(container.projections.stored_events(), count)
        else:
            side.from_kafka(count)
        return Drain(count.events, total, time.perf_counter() - began)
    finally:
        keys.pool.close()
