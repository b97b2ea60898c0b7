"""The projection worker watch: a worker gone quiet is reported once, with where it waits."""

from __future__ import annotations

import logging
import threading

import pytest

from contact_center.worker_watch import WorkerWatch


def test_a_quiet_worker_is_reported_once_with_its_stack(caplog: pytest.LogCaptureFixture) -> None:
    watch = WorkerWatch(stuck_after=0.0)
    started, release = threading.Event(), threading.Event()

    def worker_blocked_on_something() -> None:
        watch.alive("identity_lookup_v1")
        started.set()
        release.wait()
        watch.alive("identity_lookup_v1")

    thread = threading.Thread(target=worker_blocked_on_something)
    thread.start()
    started.wait()
    with caplog.at_level(logging.INFO, logger="switchboard.projections"):
        assert watch.check() == ["identity_lookup_v1"]
        assert watch.check() == []  # reported once per episode
        release.set()
        thread.join()
    [warning, moving] = caplog.records
    assert warning.levelno == logging.WARNING
    assert "identity_lookup_v1 has made no progress" in warning.getMessage()
    assert "worker_blocked_on_something" in warning.getMessage()
    assert "release.wait()" in warning.getMessage()
    assert moving.levelno == logging.INFO
    assert moving.getMessage() == "projection identity_lookup_v1 is moving again"


def test_workers_that_show_life_in_time_or_are_gone_are_not_reported() -> None:
    watch = WorkerWatch(stuck_after=3600.0)
    watch.alive("caller_history_v1")
    assert watch.check() == []
    quiet = WorkerWatch(stuck_after=0.0)
    quiet.alive("caller_history_v1")
    quiet.gone("caller_history_v1")
    assert quiet.check() == []
