"""Per projection metrics: applied, re-delivered, lag in records and in seconds, applied/s.

Lag in seconds is the age of the oldest record on Kafka the projection has not applied: when
a poll hands the worker records, the first record of each partition is exactly that, and its
Kafka timestamp (set when the relay published it) says since when it has been waiting. A
projection that has caught up has a lag of 0 seconds, however old its last record.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from prometheus_client import Counter, Gauge

APPLIED = Counter("switchboard_projection_applied_total", "Events applied", ["projection"])
SKIPPED = Counter("switchboard_projection_redelivered_total", "Re-delivered events skipped",
                  ["projection"])
LAG = Gauge("switchboard_projection_lag_events", "Records on Kafka not yet applied", ["projection"])
LAG_SECONDS = Gauge("switchboard_projection_lag_seconds",
                    "Age of the oldest record on Kafka not yet applied (0 when caught up)",
                    ["projection"])
RATE = Gauge("switchboard_projection_applied_per_second",
             "Events applied per second over the last few seconds", ["projection"])
FAILURES = Counter("switchboard_projection_failures_total",
                   "Times a projection's worker failed (could not start, or stopped on an error) "
                   "and was started again from its stored offsets", ["projection"])


class ProjectionMeter:
    def __init__(self, name: str, window: float = 10.0,
                 monotonic: Callable[[], float] = time.monotonic,
                 wall: Callable[[], float] = time.time) -> None:
        self.name = name
        self.window = window
        self.monotonic = monotonic
        self.wall = wall
        self._recent: deque[tuple[float, int]] = deque()

    def applied(self, applied: int, redelivered: int) -> None:
        APPLIED.labels(self.name).inc(applied)
        SKIPPED.labels(self.name).inc(redelivered)
        self._recent.append((self.monotonic(), applied))
        RATE.labels(self.name).set(self.rate())

    def rate(self) -> float:
        now = self.monotonic()
        while self._recent and self._recent[0][0] < now - self.window:
            self._recent.popleft()
        return sum(n for _, n in self._recent) / self.window

    def waiting_since(self, timestamp_ms: int) -> None:
        """The oldest unapplied record was published at ``timestamp_ms`` (Kafka time)."""
        LAG_SECONDS.labels(self.name).set(max(0.0, self.wall() - timestamp_ms / 1000))

    def lag(self, records: int) -> None:
        LAG.labels(self.name).set(records)
        RATE.labels(self.name).set(self.rate())
        if records == 0:
            LAG_SECONDS.labels(self.name).set(0.0)
