"""Kill a projection worker (SIGKILL) and the broker while 20,000 events flow: nothing lost,
nothing twice, and every table equal row for row to a build from scratch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from uuid import UUID

import psycopg
import pytest
from psycopg import sql

from adapters.projected_events import EventDecoder
from adapters.services.kafka_broker import KafkaBroker
from adapters.services.stack import Endpoints
from contact_center.bootstrap import Container, bootstrap
from contact_center.settings import Settings
from projections.base import Projection
from tests.bulk_events import EVENTS_PER_CUSTOMER, save_batch
from tests.conftest import TEST_MASTER_KEY
from tests.e2e.counting_worker import CountingProjection
from tests.event_log import wait_for
from tests.process_helpers import cli_env
from tests.projection_tables import Rows, applied_ids, built_from_scratch, dump

CUSTOMERS_PER_SAVE = 50  # 500 events per save


class Worker:
    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env, self.log_dir, self.starts = env, log_dir, 0
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.starts += 1
        with (self.log_dir / f"worker-{self.starts}.log").open("wb") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "tests.e2e.counting_worker"],
                                         env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None:
            self.kill()


def counts(container: Container) -> dict[UUID, int]:
    query = sql.SQL("SELECT customer_id, events FROM {}.event_counts_v1").format(
        sql.Identifier(container.settings.db_schema))
    with psycopg.connect(container.endpoints.database_url) as conn:
        try:
            return {row[0]: int(row[1]) for row in conn.execute(query)}
        except psycopg.errors.UndefinedTable:
            return {}


def stored_per_customer(container: Container) -> dict[UUID, int]:
    query = sql.SQL(
        "SELECT coalesce((convert_from(state, 'UTF8')::jsonb->'customer_id'->>'_data_')::uuid, "
        "originator_id), count(*) FROM {}.switchboard_events GROUP BY 1").format(
        sql.Identifier(container.settings.db_schema))
    with psycopg.connect(container.endpoints.database_url) as conn:
        return {row[0]: int(row[1]) for row in conn.execute(query)}


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[tuple[KafkaBroker, str]]:
    settings = Settings()
    own = KafkaBroker(settings.cache_dir, tmp_path / "broker", settings.kafka_version)
    try:
        yield own, own.start()
    finally:
        own.stop()


def test_worker_and_broker_crashes_lose_nothing_and_apply_nothing_twice(
    settings_for_test: Settings, services: Endpoints, broker: tuple[KafkaBroker, str],
    tmp_path: Path,
) -> None:
    kafka, servers = broker
    endpoints = Endpoints(services.database_url, servers)
    settings = settings_for_test.model_copy(update={"kafka_bootstrap_servers": servers})
    container = bootstrap(settings, endpoints)
    container.relay.start()
    worker = Worker(cli_env(DATABASE_URL=services.database_url, KAFKA_BOOTSTRAP_SERVERS=servers,
                            SWITCHBOARD_DB_SCHEMA=settings.db_schema,
                            SWITCHBOARD_TOPIC_PREFIX=settings.topic_prefix,
                            SWITCHBOARD_MASTER_KEY=TEST_MASTER_KEY), tmp_path)
    try:
        worker.start()
        batches = 0

        def write(n: int) -> None:
            nonlocal batches
            for _ in range(n):
                save_batch(container.app, customers=CUSTOMERS_PER_SAVE, follow_ups=[], label=str(batches))
                batches += 1

        def applied() -> int:
            return sum(counts(container).values())

        for _ in range(3):  # crash the worker mid-stream, three times
            write(6)
            seen = applied()

            def progressed(before: int = seen) -> bool:
                return applied() > before

            wait_for(progressed, timeout=60, what="the worker to apply")
            worker.kill()
            write(3)
            worker.start()

        write(3)  # the broker goes away while events keep coming
        port = int(servers.rsplit(":", 1)[1])
        kafka.stop()
        write(5)  # PostgreSQL is the store of record: writes go on
        kafka.start(port=port)
        write(5)

        total = batches * CUSTOMERS_PER_SAVE * EVENTS_PER_CUSTOMER
        assert total >= 20_000
        lookup = container.projections.get("identity_lookup")  # the worker's, same secret
        wait_for(lambda: applied() >= total, timeout=180, what="every event to be counted")
        wait_for(lambda: applied_ids(services.database_url, settings.db_schema, lookup) >= total,
                 timeout=180, what="every event in the identity lookup")
        worker.stop()
        assert counts(container) == stored_per_customer(container)  # exactly once, per key
        assert applied() == total
        assert worker.starts == 4
        projections = (CountingProjection(), lookup)

        def scratch(projection: Projection) -> Rows:
            return built_from_scratch(services.database_url, servers, f"{settings.topic_prefix}.events",
                                      projection, EventDecoder(container.data_keys))

        with ThreadPoolExecutor(len(projections)) as pool:  # both builds at once
            rebuilt = list(pool.map(scratch, projections))
        for projection, scratch_rows in zip(projections, rebuilt, strict=True):
            # every table, every row, every column
            assert dump(services.database_url, settings.db_schema, projection) == scratch_rows
    finally:
        worker.stop()
        container.close()
