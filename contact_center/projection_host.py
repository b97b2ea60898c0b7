"""Runs every projection in its own thread (one Kafka consumer each) for as long as asked.

A worker that fails (a broker outage, a lost database connection) is rebuilt after a short
pause and resumes from its stored offsets, so a failure costs time, never an event.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from adapters.projection_metrics import FAILURES
from adapters.projection_rebuild import RebuildProgress, RebuildResult, SideBySideRebuild, StoredEvents
from adapters.projection_runner import ProjectionRunner
from contact_center.worker_watch import WorkerWatch
from projections.base import Projection

log = logging.getLogger("switchboard.projections")
RunnerFactory = Callable[[Projection], ProjectionRunner]
RebuildFactory = Callable[[Projection], SideBySideRebuild]


class SilentProgress:
    def phase(self, description: str, total: int) -> None:
        """Nobody watches."""

    def advance(self, events: int) -> None:
        """Nobody watches."""


class ProjectionHost:
    def __init__(self, projections: Sequence[Projection], open_runner: RunnerFactory,
                 retry_seconds: float = 2.0, open_rebuild: RebuildFactory | None = None,
                 stored_events: Callable[[], StoredEvents] | None = None,
                 stuck_after: float = 60.0) -> None:
        self.projections = list(projections)
        self.open_runner = open_runner
        self.open_rebuild = open_rebuild
        self.stored_events = stored_events
        self.retry_seconds = retry_seconds
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.watch = WorkerWatch(stuck_after)

    def names(self) -> list[str]:
        return [p.full_name for p in self.projections]

    def get(self, name: str) -> Projection:
        for projection in self.projections:
            if name in (projection.name, projection.full_name):
                return projection
        raise KeyError(f"no projection named {name!r}; known: {', '.join(self.names())}")

    def start(self) -> None:
        if self._threads:
            return
        self._stop.clear()
        for projection in self.projections:
            thread = threading.Thread(target=self._work, args=(projection,),
                                      name=f"projection-{projection.full_name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        watchdog = threading.Thread(target=self.watch.watch, args=(self._stop,), name="projection-watch",
                                    daemon=True)
        watchdog.start()
        self._threads.append(watchdog)

    def stop(self, timeout: float = 15.0) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)
        self._threads = []

    def _work(self, projection: Projection) -> None:
        try:
            self._keep_working(projection)
        finally:
            self.watch.gone(projection.full_name)

    def _keep_working(self, projection: Projection) -> None:
        def alive() -> None:
            self.watch.alive(projection.full_name)

        while not self._stop.is_set():
            alive()  # starting (and retrying) counts: a start that hangs is reported too
            try:
                runner = self.open_runner(projection)
            except Exception:
                FAILURES.labels(projection.full_name).inc()
                log.exception("projection %s could not start; retrying", projection.full_name)
                self._stop.wait(self.retry_seconds)
                continue
            try:
                runner.run(self._stop, alive)
            except Exception:
                # Counted: a worker that fails on every retry still reports itself alive, and
                # its lag in records keeps the value of its last good poll.
                FAILURES.labels(projection.full_name).inc()
                log.exception("projection %s failed; resuming from its stored offsets",
                              projection.full_name)
                self._stop.wait(self.retry_seconds)
            finally:
                runner.close()

    def reset(self, name: str) -> None:
        """Drop one projection's tables and offsets in place; running workers replay it from
        offset 0 (reads find the tables empty meanwhile: :meth:`rebuild` avoids that)."""
        runner = self.open_runner(self.get(name))
        try:
            runner.tables.drop()
            runner.tables.create()
        finally:
            runner.close()

    def rebuild(self, name: str, *, from_store: bool = False,
                progress: RebuildProgress | None = None) -> RebuildResult:
        """Build new tables beside the live ones (from Kafka offset 0, or from the event
        store's notification log) and switch to them atomically; the workers keep running."""
        if self.open_rebuild is None or self.stored_events is None:
            raise RuntimeError("this projection host was built without rebuilds")
        rebuild = self.open_rebuild(self.get(name))
        progress = progress or SilentProgress()
        if from_store:
            return rebuild.from_store(self.stored_events(), progress)
        return rebuild.from_kafka(progress)
