"""Rebuild rate: a fresh projection worker draining the event topic from offset 0.

The backlog is written through the application (personal fields encrypted) and published
by the relay, here run as ``switchboard relay`` in a process of its own so that it does not
share the writer's interpreter lock (in one process the two slow each other down
several-fold, which would only stretch the run). Each rebuild is a real
:class:`ProjectionRunner` with a cold data-key cache, its own consumer group and its tables
in a schema of its own (so the live read models stay as they are), polled until it has
applied every record on the topic or its time cap is up. Next to it, a plain consumer
reads the same records with no processing: the ceiling Kafka and the client library set
on this machine.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
from kafka import KafkaConsumer, TopicPartition
from psycopg import sql

from adapters.projected_events import EventDecoder
from adapters.projection_runner import ProjectionRunner
from bench.caller_events import EVENTS_PER_CALLER, save_callers
from bench.relay import Positions, relay_process, wait_until
from contact_center.bootstrap import Container, data_key_store, read_models

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
        with relay_process(container, relay_log):
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


def rebuild(container: Container, name: str, total: int, cap: float) -> Drain:
    """A fresh worker for projection ``name`` from offset 0, until it has applied ``total``
    records or ``cap`` seconds have passed: events/s."""
    settings, endpoints = container.settings, container.endpoints
    schema = f"{settings.db_schema}_rebuild"
    with psycopg.connect(endpoints.database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
    keys = data_key_store(settings, endpoints)  # a cold key cache, as after a restart
    projection = next(p for p in read_models(settings, keys) if p.full_name == name)
    runner = ProjectionRunner(
        projection, database_url=endpoints.database_url, schema=schema,
        bootstrap_servers=endpoints.kafka_bootstrap_servers, topic=f"{settings.topic_prefix}.events",
        decoder=EventDecoder(keys), group_prefix=f"{settings.topic_prefix}.rebuild",
        partitions=settings.event_partitions)
    try:
        applied, began = 0, time.perf_counter()
        while applied < total and time.perf_counter() - began < cap:
            applied += runner.poll_once(timeout_ms=200)
        return Drain(applied, total, time.perf_counter() - began)
    finally:
        runner.close()
        keys.pool.close()


def drop_rebuild_schema(container: Container) -> None:
    schema = f"{container.settings.db_schema}_rebuild"
    with psycopg.connect(container.endpoints.database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
