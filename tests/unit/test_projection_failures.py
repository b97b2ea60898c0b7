"""A projection worker that fails is counted each time it is started again, so a read model
that fails on every retry (and so never moves) shows on /metrics, not only in the log."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import cast

from prometheus_client import REGISTRY

from adapters.projection_runner import ProjectionRunner
from contact_center.projection_host import ProjectionHost
from projections.base import Handler, Projection


class Stalled(Projection):
    name = "stalled"

    def handlers(self) -> Mapping[str, Handler]:
        return {}


class FailingRunner:
    """Fails ``failures`` times in all (the host makes a runner per attempt), then waits."""

    def __init__(self, failed: list[int], failures: int) -> None:
        self.failed, self.failures = failed, failures

    def run(self, stop: threading.Event, alive: Callable[[], None]) -> None:
        if len(self.failed) < self.failures:
            self.failed.append(1)
            raise RuntimeError("PostgreSQL text fields cannot contain NUL (0x00) bytes")
        stop.wait()

    def close(self) -> None:
        """Nothing held."""


def failures() -> float:
    return REGISTRY.get_sample_value("switchboard_projection_failures_total",
                                     {"projection": "stalled_v1"}) or 0.0


def test_each_failure_of_a_worker_is_counted() -> None:
    before = failures()
    failed: list[int] = []
    done = threading.Event()

    def open_runner(_: Projection) -> ProjectionRunner:
        if len(failed) == 3:
            done.set()
        return cast(ProjectionRunner, FailingRunner(failed, 3))

    host = ProjectionHost([Stalled()], open_runner, retry_seconds=0.01)
    host.start()
    try:
        assert done.wait(10), "the worker was not started again after its third failure"
    finally:
        host.stop()
    assert failures() - before == 3
