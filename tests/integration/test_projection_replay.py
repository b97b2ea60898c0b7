"""The rebuild's topic replay: every record up to the target and none after it, in partition
order, decoded ahead in a thread of its own whose error reaches the caller."""

from __future__ import annotations

import threading

import pytest
from kafka import KafkaProducer

from adapters.projected_events import UnhandledEvent
from adapters.projection_replay import POLL_RECORDS, Decoded, TopicReplay
from adapters.services.stack import Endpoints

PARTITIONS = 3
PER_PARTITION = POLL_RECORDS + 500  # more than one batch on each


class Counted:
    def advance(self, events: int) -> None:
        self.events = getattr(self, "events", 0) + events


def fill(servers: str, topic: str) -> None:
    producer = KafkaProducer(bootstrap_servers=servers, acks="all", enable_idempotence=True)
    for partition in range(PARTITIONS):
        for n in range(PER_PARTITION):
            producer.send(topic, value=f"{partition}:{n}".encode(), partition=partition)
    producer.flush()
    producer.close()


def as_events(values: list[bytes]) -> Decoded:
    return [UnhandledEvent(value.decode(), n) for n, value in enumerate(values)]


def test_replay_applies_every_record_before_the_target_once_in_order(
        services: Endpoints, unique_name: str) -> None:
    replay = TopicReplay(services.kafka_bootstrap_servers, unique_name, PARTITIONS)
    try:
        fill(services.kafka_bootstrap_servers, unique_name)
        applied: dict[int, list[int]] = {p: [] for p in range(PARTITIONS)}

        def apply(events: Decoded, next_offsets: dict[int, int]) -> None:
            for event in events:
                partition, n = event.id.split(":")
                applied[int(partition)].append(int(n))

        target = {0: PER_PARTITION, 1: 10, 2: POLL_RECORDS + 1}
        replay.drain(target, as_events, apply, Counted())
        assert {p: applied[p] for p in applied} == {p: list(range(end)) for p, end in target.items()}
        assert replay.done == target

        replay.drain(replay.ends(), as_events, apply, Counted())  # on from there to the end
        assert applied == {p: list(range(PER_PARTITION)) for p in range(PARTITIONS)}
    finally:
        replay.close()


def test_a_decoding_error_in_the_reader_thread_is_raised_by_drain(
        services: Endpoints, unique_name: str) -> None:
    replay = TopicReplay(services.kafka_bootstrap_servers, unique_name, PARTITIONS)
    try:
        fill(services.kafka_bootstrap_servers, unique_name)
        batches = 0

        def failing(values: list[bytes]) -> Decoded:
            nonlocal batches
            batches += 1
            if batches == 2:
                raise ValueError("a record that does not decode")
            return as_events(values)

        with pytest.raises(ValueError, match="does not decode"):
            replay.drain(replay.ends(), failing, lambda events, offsets: None, Counted())
        assert not [t for t in threading.enumerate() if t.name.startswith("replay-reader:")]
    finally:
        replay.close()
