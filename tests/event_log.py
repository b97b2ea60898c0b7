"""Reading what the relay wrote: the event topic from offset 0, the store's rows, the position."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import psycopg
from cloudevents.core.base import BaseCloudEvent
from cloudevents.core.bindings.kafka import KafkaMessage, from_structured_event
from kafka import KafkaConsumer, TopicPartition
from psycopg import sql


@dataclass(frozen=True)
class StoredRow:
    notification_id: int
    aggregate_id: str
    version: int
    topic: str
    state: bytes

    @property
    def event_id(self) -> str:
        return f"{self.aggregate_id}:{self.version}"


@dataclass(frozen=True)
class Published:
    key: str
    partition: int
    offset: int
    event: BaseCloudEvent
    headers: dict[str, bytes]
    value: bytes

    @property
    def id(self) -> str:
        return self.event.get_id()

    @property
    def sequence(self) -> int:
        return int(self.event.get_extension("sequence"))


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str, interval: float = 0.05) -> float:
    """Poll ``condition`` until it holds; returns the seconds it took, fails after ``timeout``."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)
    return time.monotonic() - start


def stored_rows(database_url: str, schema: str) -> list[StoredRow]:
    query = sql.SQL("SELECT notification_id, originator_id, originator_version, topic, state "
                    "FROM {}.switchboard_events ORDER BY notification_id").format(sql.Identifier(schema))
    with psycopg.connect(database_url) as conn:
        return [StoredRow(int(n), str(a), int(v), str(t), bytes(s)) for n, a, v, t, s in conn.execute(query)]


def published_position(database_url: str, schema: str, topic: str) -> int:
    query = sql.SQL("SELECT position FROM {}.relay_position WHERE name = %s").format(
        sql.Identifier(schema))
    try:
        with psycopg.connect(database_url) as conn:
            row = conn.execute(query, (topic,)).fetchone()
    except psycopg.errors.UndefinedTable:
        return 0
    return int(row[0]) if row else 0


def latest_notification(database_url: str, schema: str) -> int:
    query = sql.SQL("SELECT coalesce(max(notification_id), 0) FROM {}.switchboard_events").format(
        sql.Identifier(schema))
    with psycopg.connect(database_url) as conn:
        row = conn.execute(query).fetchone()
    assert row is not None
    return int(row[0])


class TopicReader:
    """Every record of a topic from offset 0 on, parsed with the CloudEvents SDK."""

    def __init__(self, bootstrap_servers: str, topic: str) -> None:
        self.topic = topic
        self.records: list[Published] = []
        self._consumer = KafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=None,
                                       enable_auto_commit=False, fetch_max_wait_ms=20)
        wait_for(lambda: bool(self._consumer.partitions_for_topic(topic)), timeout=30,
                 what=f"topic {topic}")
        partitions = [TopicPartition(topic, p) for p in sorted(self._consumer.partitions_for_topic(topic))]
        self._consumer.assign(partitions)
        self._consumer.seek_to_beginning(*partitions)

    def poll(self) -> list[Published]:
        fresh: list[Published] = []
        for batch in self._consumer.poll(timeout_ms=100).values():
            for record in batch:
                headers = dict(record.headers)
                event = from_structured_event(KafkaMessage(headers=headers, key=record.key,
                                                           value=record.value))
                fresh.append(Published(record.key.decode(), record.partition, record.offset,
                                       event, headers, record.value))
        self.records += fresh
        return fresh

    def read_until(self, condition: Callable[[list[Published]], bool],
                   timeout: float = 60) -> list[Published]:
        def done() -> bool:
            self.poll()
            return condition(self.records)

        wait_for(done, timeout=timeout, what=f"records on {self.topic}", interval=0)
        return self.records

    def ids(self) -> set[str]:
        return {r.id for r in self.records}

    def close(self) -> None:
        self._consumer.close()


def first_occurrences_by_key(records: Iterable[Published]) -> dict[str, list[str]]:
    """Per Kafka key, the event ids in the order they first appear (re-sends dropped)."""
    seen: set[str] = set()
    by_key: dict[str, list[str]] = defaultdict(list)
    for record in sorted(records, key=lambda r: (r.partition, r.offset)):
        if record.id not in seen:
            seen.add(record.id)
            by_key[record.key].append(record.id)
    return dict(by_key)


def store_order_by_key(rows: Iterable[StoredRow], key_of: dict[str, str]) -> dict[str, list[str]]:
    """Per key, the stored event ids in notification order; ``key_of`` maps event id to key."""
    by_key: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        by_key[key_of[row.event_id]].append(row.event_id)
    return dict(by_key)


def data_of(record: Published) -> dict[str, Any]:
    data = record.event.get_data()
    assert isinstance(data, dict), data
    return data
