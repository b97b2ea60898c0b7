"""The projection worker watch: a worker gone quiet is reported once, with where it waits."""

from __future__ import annotations

import logging
import threading

import pytest

from contact_center.worker_watch import WorkerWatch

WORKER = "watched_projection_v1"  # a name of its own: other tests' workers may still log


def test_a_quiet_worker_is_reported_once_with_its_stack(caplog: pytest.LogCaptureFixture) -> None:
    watch = WorkerWatch(stuck_after=0.0)
    started, release = threading.Event(), threading.Event()

    def worker_blocked_on_something() -> None:
        watch.alive(WORKER)
        started.set()
        release.wait()
        watch.alive(WORKER)

    thread = threading.Thread(target=worker_blocked_on_something)
    thread.start()
    started.wait()
    with caplog.at_level(logging.INFO, logger="switchboard.projections"):
        assert watch.check() == [WORKER]
        assert watch.check() == []  # reported once per episode
        release.set()
        thread.join()
    [warning, moving] = [r for r in caplog.records if WORKER in r.getMessage()]
    assert warning.levelno == logging.WARNING
    assert f"{WORKER} has made no progress" in warning.getMessage()
    assert "worker_blocked_on_something" in warning.getMessage()
    assert "release.wait()" in warning.getMessage()
    assert moving.levelno == logging.INFO
    assert moving.getMessage() == f"projection {WORKER} is moving again"


def test_workers_that_show_life_in_time_or_are_gone_are_not_reported() -> None:
    watch = WorkerWatch(stuck_after=3600.0)
    watch.alive("caller_history_v1")
    assert watch.check() == []
    quiet = WorkerWatch(stuck_after=0.0)
    quiet.alive("caller_history_v1")
    quiet.gone("caller_history_v1")
    assert quiet.check() == []
