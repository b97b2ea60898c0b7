"""A rebuild's copy from Kafka, split by partition over worker processes.

One Python process decodes and applies about one CPU's worth of records (the interpreter lock
serialises its threads); the copy's statements keep PostgreSQL busy on another. Every record
of a customer is on one partition, and the handlers already give the same tables whatever
order the partitions interleave in (a live group spreads partitions over workers the same
way), so each worker process copies a share of the partitions into the same new tables::

    rebuilding process                         worker process (one per share of partitions)
    ───────────────────                        ────────────────────────────────────────────
    new tables, start the workers ──────────►  read its partitions from offset 0, apply
    progress ◄───────────────────────────────  ("advance", records) after every batch
    wait until every worker is ready ◄───────  ("ready", offsets): within a poll of the end
    hold the live workers off; targets ──────► apply up to exactly the target offsets
    swap once every worker is done ◄─────────  ("done", offsets, events applied)

Two workers may upsert the same row (a phone number two customers share): a batch that
deadlocks with another worker's is rolled back and applied again.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

import psycopg

from adapters.projected_events import EventDecoder
from adapters.projection_batch import BatchApplier
from adapters.projection_replay import CLOSE_ENOUGH, Decoded, ReplayProgress, TopicReplay
from adapters.projection_store import ProjectionTables, connect
from projections.base import Projection

APPLY_ATTEMPTS = 20
Offsets = dict[int, int]
# Called in the worker process: the projection, its decoder and what closes them.
OpenProjection = Callable[[], tuple[Projection, EventDecoder, Callable[[], None]]]


class CopyWorkerFailed(RuntimeError):
    """A worker process failed or died; the copy is abandoned (the live tables are untouched)."""


@dataclass(frozen=True)
class CopyShare:
    """What one worker process copies, and where to (everything picklable)."""

    open_projection: OpenProjection
    database_url: str
    copy_schema: str
    bootstrap_servers: str
    topic: str
    topic_partitions: int
    partitions: tuple[int, ...]


def shares(partitions: Sequence[int], workers: int) -> list[tuple[int, ...]]:
    """Partitions dealt round-robin over at most ``workers`` shares, none empty."""
    count = max(1, min(workers, len(partitions)))
    return [tuple(partitions[i::count]) for i in range(count)]


def copy_share(share: CopyShare, pipe: Connection) -> None:
    """A worker process's whole life (see the module's diagram)."""
    try:
        projection, decoder, close = share.open_projection()
        try:
            _Copier(share, projection, decoder, pipe).run()
        finally:
            close()
    except BaseException:  # noqa: BLE001 — reported to the rebuilding process, which raises it
        pipe.send(("failed", traceback.format_exc()))


class _Copier:
    def __init__(self, share: CopyShare, projection: Projection, decoder: EventDecoder,
                 pipe: Connection) -> None:
        self.share = share
        self.pipe = pipe
        self.conn = connect(share.database_url, share.copy_schema, synchronous_commit=False)
        self.tables = ProjectionTables(self.conn, share.copy_schema, projection)
        self.applier = BatchApplier(self.conn, self.tables, projection, decoder)
        self.events = 0

    def run(self) -> None:
        replay = TopicReplay(self.share.bootstrap_servers, self.share.topic, self.share.topic_partitions,
                             only=self.share.partitions)
        try:
            ends = replay.ends()
            while replay.behind(ends) > CLOSE_ENOUGH:
                replay.drain(ends, self.applier.decode, self.apply, self)
                ends = replay.ends()
            self.pipe.send(("ready", dict(replay.done)))
            target: Offsets = self.pipe.recv()
            replay.drain(target, self.applier.decode, self.apply, self)
            self.pipe.send(("done", dict(replay.done), self.events))
        finally:
            replay.close()
            self.conn.close()

    def advance(self, events: int) -> None:
        self.pipe.send(("advance", events))

    def apply(self, events: Decoded, next_offsets: Offsets) -> None:
        for attempt in range(1, APPLY_ATTEMPTS + 1):
            try:
                with self.conn.transaction():
                    applied = self.applier.apply_events(events, bookkeeping=lambda: (
                        self.tables.store_offsets(self.share.topic, next_offsets))).applied
            except (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure):
                if attempt == APPLY_ATTEMPTS:
                    raise
                continue
            self.events += applied
            return


class CopyWorkers:
    """The rebuilding process's side: starts the workers, relays their progress, hands out
    the targets and collects the result."""

    def __init__(self, shares_: Sequence[CopyShare]) -> None:
        context = multiprocessing.get_context("spawn")  # no forked Kafka or PostgreSQL state
        self.shares = list(shares_)
        self.pipes: list[Connection] = []
        self.processes: list[Any] = []
        for share in self.shares:
            ours, theirs = context.Pipe()
            process = context.Process(target=copy_share, args=(share, theirs), daemon=True,
                                      name=f"rebuild-copy:{share.copy_schema}:{share.partitions}")
            process.start()
            theirs.close()
            self.pipes.append(ours)
            self.processes.append(process)
        self.events = 0

    def ready(self, progress: ReplayProgress) -> Offsets:
        """Wait until every worker is within a poll of the end; their offsets so far."""
        return self._collect("ready", progress)

    def finish(self, target: Offsets, progress: ReplayProgress) -> Offsets:
        """Send each worker its partitions' targets; once all are applied, their offsets."""
        for share, pipe in zip(self.shares, self.pipes, strict=True):
            pipe.send({p: end for p, end in target.items() if p in share.partitions})
        return self._collect("done", progress)

    def _collect(self, expected: str, progress: ReplayProgress) -> Offsets:
        offsets: Offsets = {}
        waiting = dict(zip(self.pipes, self.shares, strict=True))
        while waiting:
            for pipe in wait(list(waiting)):
                assert isinstance(pipe, Connection)
                share = waiting[pipe]
                try:
                    message = pipe.recv()
                except EOFError:
                    raise CopyWorkerFailed(f"the copy worker of partitions {share.partitions} "
                                           "exited without a word") from None
                if message[0] == "advance":
                    progress.advance(message[1])
                    continue
                if message[0] == "failed":
                    raise CopyWorkerFailed(f"the copy worker of partitions {share.partitions} "
                                           f"failed:\n{message[1]}")
                if message[0] != expected:
                    raise CopyWorkerFailed(f"unexpected {message[0]!r} from a copy worker")
                offsets.update(message[1])
                if expected == "done":
                    self.events += message[2]
                del waiting[pipe]
        return offsets

    def close(self) -> None:
        for pipe in self.pipes:
            pipe.close()
        for process in self.processes:
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join()
