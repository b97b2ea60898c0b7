"""A projection's topic read from offset 0 up to given offsets, decoded a batch ahead.

A consumer outside any group, every partition assigned. While one batch is applied (the
handlers' statements and the commit keep PostgreSQL busy on a CPU of its own), a reader
thread polls and decodes the next ones, at most :data:`AHEAD` batches in advance, so the
decoding no longer waits for the database nor the database for the decoding. Only the
reader touches the consumer while a drain runs.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

from kafka import KafkaConsumer, TopicPartition

from adapters.kafka_admin import ensure_topic, known_partitions
from adapters.kafka_clients import connected
from adapters.kafka_producer import EVENT_TOPIC_CONFIG
from adapters.projected_events import UnhandledEvent
from projections.base import ProjectedEvent

AHEAD = 2  # decoded batches waiting to be applied
POLL_RECORDS = 2000  # records per batch (one transaction)
CLOSE_ENOUGH = 2000  # records behind the topic's end at which a rebuild holds the workers off

Decoded = Sequence[ProjectedEvent | UnhandledEvent]
Decode = Callable[[list[bytes]], Decoded]
Apply = Callable[[Decoded, dict[int, int]], None]  # the events, and each partition's next offset


class ReplayProgress(Protocol):
    def advance(self, events: int) -> None: ...


@dataclass(frozen=True)
class _Batch:
    events: Decoded
    next_offsets: dict[int, int]


def behind(done: dict[int, int], target: dict[int, int]) -> int:
    return sum(max(0, end - done.get(p, 0)) for p, end in target.items())


class TopicReplay:
    def __init__(self, bootstrap_servers: str, topic: str, partitions: int,
                 only: Collection[int] | None = None) -> None:
        """Every partition of ``topic``, or ``only`` those."""
        ensure_topic(bootstrap_servers, topic, partitions=partitions, config=EVENT_TOPIC_CONFIG)
        self.topic = topic
        self.bootstrap_servers = bootstrap_servers
        self.consumer = self._consumer()
        self.assigned = [TopicPartition(topic, p) for p in sorted(known_partitions(self.consumer, topic))
                         if only is None or p in only]
        self.consumer.assign(self.assigned)
        self.consumer.seek_to_beginning(*self.assigned)
        self.done: dict[int, int] = {}  # partition → next offset applied
        self.cut: set[int] = set()  # partitions stopped at a target inside a fetched batch

    def _consumer(self) -> KafkaConsumer:
        return connected(KafkaConsumer, bootstrap_servers=self.bootstrap_servers, group_id=None,
                         enable_auto_commit=False, max_poll_records=POLL_RECORDS,
                         fetch_max_bytes=64 * 1024 * 1024, max_partition_fetch_bytes=8 * 1024 * 1024)

    def _reopen(self) -> None:
        """A new consumer where the old one stopped. kafka-python (3.0) parks the records it
        fetched past a target for a paused partition, and may never hand the partition back
        once resumed: a later drain would wait for it for ever."""
        self.consumer.close()
        self.consumer = self._consumer()
        self.consumer.assign(self.assigned)
        for tp in self.assigned:
            if tp.partition in self.done:
                self.consumer.seek(tp, self.done[tp.partition])
            else:
                self.consumer.seek_to_beginning(tp)
        self.cut.clear()

    def ends(self) -> dict[int, int]:
        return {tp.partition: int(end) for tp, end in self.consumer.end_offsets(self.assigned).items()}

    def behind(self, ends: dict[int, int]) -> int:
        return behind(self.done, ends)

    def drain(self, target: dict[int, int], decode: Decode, apply: Apply,
              progress: ReplayProgress) -> None:
        """Apply every record before ``target`` (per partition), and none after it."""
        wanted = {p for p, end in target.items() if self.done.get(p, 0) < end}
        if wanted & self.cut:
            self._reopen()
        for tp in self.assigned:
            if tp.partition in wanted:
                self.consumer.resume(tp)
            else:
                self.consumer.pause(tp)
        if self.behind(target) == 0:
            return
        reader = _Reader(self, target, decode)
        reader.start()
        try:
            while self.behind(target) > 0:
                batch = reader.take()
                apply(batch.events, batch.next_offsets)
                self.done.update(batch.next_offsets)
                progress.advance(len(batch.events))
        finally:
            reader.stop()

    def poll_before(self, target: dict[int, int]) -> tuple[list[bytes], dict[int, int]]:
        """One poll's record values before ``target``, and each partition's next offset."""
        values: list[bytes] = []
        next_offsets: dict[int, int] = {}
        for tp, records in self.consumer.poll(timeout_ms=500).items():
            limit = target.get(tp.partition, 0)
            kept = [r for r in records if r.offset < limit]
            if len(kept) < len(records):  # fetched past the target: come back to it later
                self.consumer.seek(tp, limit)
                self.consumer.pause(tp)
                self.cut.add(tp.partition)
            if kept:
                values += [r.value for r in kept]
                next_offsets[tp.partition] = kept[-1].offset + 1
        return values, next_offsets

    def close(self) -> None:
        self.consumer.close()


class _Reader(threading.Thread):
    """Polls and decodes up to the target, handing batches (or its error) over in order."""

    def __init__(self, replay: TopicReplay, target: dict[int, int], decode: Decode) -> None:
        super().__init__(name=f"replay-reader:{replay.topic}", daemon=True)
        self.replay = replay
        self.target = target
        self.decode = decode
        self.batches: queue.Queue[_Batch | BaseException] = queue.Queue(AHEAD)
        self.stopping = threading.Event()

    def run(self) -> None:
        fetched = dict(self.replay.done)
        try:
            while not self.stopping.is_set() and behind(fetched, self.target) > 0:
                values, next_offsets = self.replay.poll_before(self.target)
                if values:
                    fetched.update(next_offsets)
                    self.batches.put(_Batch(self.decode(values), next_offsets))
        except Exception as exc:  # noqa: BLE001 — handed to the applying thread, which raises it
            self.batches.put(exc)

    def take(self) -> _Batch:
        batch = self.batches.get()
        if isinstance(batch, BaseException):
            raise batch
        return batch

    def stop(self) -> None:
        """Once the drain ends (or fails): unblock a reader waiting to hand a batch over."""
        self.stopping.set()
        while self.is_alive():
            try:
                self.batches.get(timeout=0.1)  # frees room for a put in progress
            except queue.Empty:
                continue
        self.join()
