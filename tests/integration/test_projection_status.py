"""Lag in records and seconds, applied/s: from `projections status` and on /metrics; the
rebuild command's report and its refusal of an unknown name."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from typer.testing import CliRunner

from adapters import projection_runner
from adapters.kafka_clients import fetch_pace
from adapters.projection_metrics import LAG, LAG_SECONDS, RATE
from adapters.projection_status import projection_status
from api.app import create_app
from contact_center.bootstrap import Container
from contact_center.cli import app
from contact_center.projection_host import ProjectionHost
from contact_center.settings import Settings
from tests.bulk_events import save_batch
from tests.conftest import TEST_MASTER_KEY
from tests.event_log import wait_for
from tests.projection_tables import applied_ids, topic_ends

NAME = "identity_lookup_v1"


def gauge(metric: str) -> float | None:
    return REGISTRY.get_sample_value(metric, {"projection": NAME})


def test_status_and_metrics_show_lag_in_records_and_seconds_and_applied_per_second(
        container: Container, settings_for_test: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    projection = container.projections.get("identity_lookup")
    topic = f"{settings_for_test.topic_prefix}.events"
    servers, db = container.endpoints.kafka_bootstrap_servers, container.endpoints.database_url

    def status() -> dict[str, tuple[int, float, float]]:
        return {row.name: (row.lag_records, row.lag_seconds, row.applied_per_second)
                for row in projection_status(servers, topic, db, settings_for_test.db_schema,
                                             [projection], sample_seconds=0.2)}

    container.relay.start()
    for n in range(4):
        save_batch(container.app, customers=25, follow_ups=[], label=str(n))
    wait_for(lambda: sum(topic_ends(servers, topic).values()) >= 1000, timeout=60, what="the relay")
    container.relay.stop()
    records, seconds, rate = status()[NAME]  # nothing applied yet
    assert (records, rate) == (1000, 0.0)
    assert seconds > 0  # the age of the first record on the topic

    for sentinel in (LAG, LAG_SECONDS, RATE):  # other tests' workers set them in this process
        sentinel.labels(NAME).set(-1)
    worker = ProjectionHost([projection], container.projections.open_runner, retry_seconds=0.5)
    worker.start()
    try:
        wait_for(lambda: applied_ids(db, settings_for_test.db_schema, projection) == 1000, timeout=60,
                 what="the worker to catch up")
        # The rate covers the last 10 s, so it is read as soon as the batches are in (the
        # worker sets it just after its last batch commits).
        wait_for(lambda: (gauge("switchboard_projection_applied_per_second") or 0) > 0, timeout=5,
                 what="the applied/s gauge to count the batches")
        wait_for(lambda: gauge("switchboard_projection_lag_events") == 0, timeout=30,
                 what="the worker to measure its lag")
        assert gauge("switchboard_projection_lag_seconds") == 0
        with TestClient(create_app(container)) as client:
            metrics = client.get("/metrics").text
        for metric in ("lag_events", "lag_seconds", "applied_per_second", "applied_total"):
            assert f'switchboard_projection_{metric}{{projection="{NAME}"}}' in metrics
    finally:
        worker.stop()
    assert status()[NAME] == (0, 0.0, 0.0)

    for name, value in {"DATABASE_URL": db, "KAFKA_BOOTSTRAP_SERVERS": servers,
                        "SWITCHBOARD_DB_SCHEMA": settings_for_test.db_schema,
                        "SWITCHBOARD_TOPIC_PREFIX": settings_for_test.topic_prefix,
                        "SWITCHBOARD_DATA_DIR": str(settings_for_test.data_dir),
                        "SWITCHBOARD_MASTER_KEY": TEST_MASTER_KEY}.items():
        monkeypatch.setenv(name, value)
    shown = CliRunner().invoke(app, ["projections", "status", "--sample", "0.1"])
    assert shown.exit_code == 0, shown.output
    assert "lag (seconds)" in shown.output
    assert "applied/s" in shown.output
    rebuilt = CliRunner().invoke(app, ["projections", "rebuild", "identity_lookup"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert f"{NAME}: 1,000 events applied" in rebuilt.output
    assert "events/s" in rebuilt.output
    unknown = CliRunner().invoke(app, ["projections", "rebuild", "no_such_projection"])
    assert unknown.exit_code == 1
    assert "no projection named 'no_such_projection'" in unknown.output
    assert "Traceback" not in unknown.output


def test_a_worker_left_without_partitions_says_so(container: Container, settings_for_test: Settings,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    """A worker that has not (yet) been given a partition is logged once it has waited
    UNASSIGNED_NOTICE; once it holds partitions it is quiet."""
    monkeypatch.setattr(projection_runner, "UNASSIGNED_NOTICE", 0.0)
    runner = container.projections.open_runner(container.projections.get("identity_lookup"))
    group = f"{settings_for_test.topic_prefix}.projection.identity_lookup_v1"

    def notices() -> list[str]:  # this runner's only: workers of earlier tests may still log
        return [r.getMessage() for r in caplog.records if group in r.getMessage()]

    try:
        with caplog.at_level(logging.WARNING, logger="switchboard.projections"):
            assert runner.lag() == -1  # subscribed, but no poll has joined the group yet
            [notice] = notices()
            assert "identity_lookup_v1 has had no partition" in notice
            wait_for(lambda: runner.poll_once(timeout_ms=200) >= 0 and runner.lag() >= 0, timeout=60,
                     what="the worker to be assigned its partitions")
            caplog.clear()
            assert runner.lag() >= 0
            assert notices() == []
    finally:
        runner.close()


def test_a_quiet_worker_long_polls_and_batches_again_once_records_come(
        container: Container, settings_for_test: Settings) -> None:
    """After a poll that found nothing, the broker may hold the next fetch for the idle wait but
    answers it with the first record; once records come, fetches batch again."""
    projection = container.projections.get("identity_lookup")
    pacing = container.settings.projection_idle_fetch_wait_ms
    batch = (settings_for_test.projection_fetch_min_bytes, settings_for_test.projection_fetch_wait_ms)
    runner = container.projections.open_runner(projection)
    db = container.endpoints.database_url
    try:
        assert fetch_pace(runner.consumer) == batch  # as built
        wait_for(lambda: runner.poll_once(timeout_ms=200) == 0 and bool(runner.consumer.assignment()),
                 timeout=60, what="the worker to be assigned its partitions")
        assert fetch_pace(runner.consumer) == (1, pacing)
        container.relay.start()
        save_batch(container.app, customers=5, follow_ups=[], label="pace")
        wait_for(lambda: runner.poll_once(timeout_ms=200) > 0, timeout=60, what="the records")
        assert fetch_pace(runner.consumer) == batch
        wait_for(lambda: runner.poll_once(timeout_ms=200) == 0 and runner.lag() == 0,
                 timeout=60, what="the rest of the records")
        assert applied_ids(db, settings_for_test.db_schema, projection) > 0
        assert fetch_pace(runner.consumer) == (1, pacing)
    finally:
        container.relay.stop()
        runner.close()
