"""Rebuild one projection beside the live one, from Kafka offset 0 or from the event store.

Runs in the process that asks for it (``switchboard projections rebuild``), not in the
workers: the live tables keep serving reads and keep being updated by their workers while
the copy is built (:mod:`adapters.projection_shadow`).

From Kafka: a consumer with no group, assigned every partition from offset 0, applies into
the copy until it is within a poll of the topic's end. Then, holding the workers off, it
catches the copy up to exactly the live stored offsets (or keeps its own where they are
ahead), and swaps. The workers resume from those offsets: nothing is applied twice, nothing
skipped. With ``copy_processes`` > 1 the copy is made by worker processes, each a share of
the partitions (:mod:`adapters.projection_copy_workers`); the switch is the same.

From the event store (when Kafka no longer holds every event): the notification log is
read in order and turned into the records the relay publishes. Holding the workers off, the
topic's end offsets are read *first*, then the log is read on to its end, and the copy
stores those end offsets. Every record before them was published after its event was
stored, so it is in the copy; an event stored since then and published at or after them is
in the copy too, and the worker skips it as a re-delivery by its claimed id.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from adapters.projected_events import EventDecoder
from adapters.projection_batch import BatchApplier
from adapters.projection_copy_workers import CopyShare, CopyWorkers, OpenProjection, shares
from adapters.projection_replay import CLOSE_ENOUGH, Decoded, TopicReplay
from adapters.projection_shadow import LiveSwitch, ShadowTables
from projections.base import Projection

STORE_PAGE = 2000


class RebuildProgress(Protocol):
    def phase(self, description: str, total: int) -> None: ...

    def advance(self, events: int) -> None: ...


class StoredEvents(Protocol):
    """The event store's notification log as the relay's record values."""

    def latest(self) -> int: ...

    def read_after(self, position: int, limit: int) -> Sequence[tuple[int, bytes]]: ...


@dataclass(frozen=True)
class RebuildResult:
    projection: str
    events: int  # applied to the new tables
    seconds: float
    offsets: dict[int, int]  # where the workers continue

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0


class SideBySideRebuild:
    def __init__(self, projection: Projection, *, database_url: str, schema: str,
                 bootstrap_servers: str, topic: str, decoder: EventDecoder, partitions: int = 6,
                 copy_processes: int = 1, open_in_worker: OpenProjection | None = None) -> None:
        self.projection = projection
        self.database_url = database_url
        self.schema = schema
        self.bootstrap_servers = bootstrap_servers
        self.topic = topic
        self.decoder = decoder
        self.partitions = partitions
        self.copy_processes = copy_processes
        self.open_in_worker = open_in_worker

    def from_kafka(self, progress: RebuildProgress) -> RebuildResult:
        if self.open_in_worker is not None and self.copy_processes > 1:
            return self._from_kafka_in_workers(self.open_in_worker, progress)
        began = time.perf_counter()
        with _Parts(self) as parts:
            replay = TopicReplay(self.bootstrap_servers, self.topic, self.partitions)
            try:
                ends = replay.ends()
                progress.phase(f"{self.projection.full_name} from Kafka offset 0", sum(ends.values()))
                while replay.behind(ends) > CLOSE_ENOUGH:
                    replay.drain(ends, parts.applier.decode, parts.apply, progress)
                    ends = replay.ends()
                with parts.switch.holding_off_workers():
                    live, ends = parts.switch.live_offsets(self.topic), replay.ends()
                    target = catch_up_target(replay.done, live, ends)
                    replay.drain(target, parts.applier.decode, parts.apply, progress)
                    parts.switch.swap(parts.shadow)
            finally:
                replay.close()
            return RebuildResult(self.projection.full_name, parts.events,
                                 time.perf_counter() - began, dict(replay.done))

    def _from_kafka_in_workers(self, open_projection: OpenProjection,
                               progress: RebuildProgress) -> RebuildResult:
        """As :meth:`from_kafka`, the copy made by worker processes, each a share of the
        partitions (:mod:`adapters.projection_copy_workers`)."""
        began = time.perf_counter()
        with _Parts(self) as parts:
            ends = topic_ends(self.bootstrap_servers, self.topic, self.partitions)
            progress.phase(f"{self.projection.full_name} from Kafka offset 0 "
                           f"({self.copy_processes} processes)", sum(ends.values()))
            workers = CopyWorkers([
                CopyShare(open_projection, self.database_url, parts.shadow.name, self.bootstrap_servers,
                          self.topic, self.partitions, share)
                for share in shares(sorted(ends), self.copy_processes)])
            try:
                done = workers.ready(progress)
                with parts.switch.holding_off_workers():
                    live = parts.switch.live_offsets(self.topic)
                    ends = topic_ends(self.bootstrap_servers, self.topic, self.partitions)
                    done = workers.finish(catch_up_target(done, live, ends), progress)
                    parts.switch.swap(parts.shadow)
            finally:
                workers.close()
            return RebuildResult(self.projection.full_name, workers.events,
                                 time.perf_counter() - began, done)

    def from_store(self, log: StoredEvents, progress: RebuildProgress) -> RebuildResult:
        began = time.perf_counter()
        with _Parts(self) as parts:
            progress.phase(f"{self.projection.full_name} from the event store", log.latest())
            position = parts.replay_store(log, 0, progress)
            with parts.switch.holding_off_workers():
                ends = topic_ends(self.bootstrap_servers, self.topic, self.partitions)  # first
                parts.replay_store(log, position, progress)
                with parts.shadow.conn.transaction():
                    parts.shadow.tables.store_offsets(self.topic, ends)
                parts.switch.swap(parts.shadow)
            return RebuildResult(self.projection.full_name, parts.events,
                                 time.perf_counter() - began, ends)


class _Parts:
    """The copy, its applier and the live switch, closed together."""

    def __init__(self, rebuild: SideBySideRebuild) -> None:
        self.shadow = ShadowTables(rebuild.database_url, rebuild.schema, rebuild.projection)
        try:
            self.switch = LiveSwitch(rebuild.database_url, rebuild.schema, rebuild.projection)
        except BaseException:
            self.shadow.close()
            raise
        self.applier = BatchApplier(self.shadow.conn, self.shadow.tables, rebuild.projection,
                                    rebuild.decoder)
        self.topic = rebuild.topic
        self.events = 0

    def __enter__(self) -> _Parts:
        return self

    def __exit__(self, *_: object) -> None:
        self.switch.close()
        self.shadow.close()

    def apply(self, events: Decoded, next_offsets: dict[int, int]) -> None:
        with self.shadow.conn.transaction():
            self.events += self.applier.apply_events(events, bookkeeping=lambda: (
                self.shadow.tables.store_offsets(self.topic, next_offsets))).applied

    def replay_store(self, log: StoredEvents, position: int, progress: RebuildProgress) -> int:
        """Apply the log after ``position`` up to its current end; returns the new position."""
        while page := log.read_after(position, STORE_PAGE):
            with self.shadow.conn.transaction():
                self.events += self.applier.apply_records([value for _, value in page]).applied
            position = page[-1][0]
            progress.advance(len(page))
        return position


def catch_up_target(done: dict[int, int], live: dict[int, int], ends: dict[int, int]) -> dict[int, int]:
    """Where the copy stops at the switch, per partition: the live workers' stored offset
    (within the topic), or the copy's own where it is ahead of them."""
    return {p: max(done.get(p, 0), min(live.get(p, 0), end)) for p, end in ends.items()}


def topic_ends(bootstrap_servers: str, topic: str, partitions: int) -> dict[int, int]:
    replay = TopicReplay(bootstrap_servers, topic, partitions)
    try:
        return replay.ends()
    finally:
        replay.close()
