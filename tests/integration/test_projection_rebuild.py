"""Rebuilding a projection beside the live one: writes go on, reads never fail, the switch is
atomic, and the tables end identical to a build from scratch; also from the event store
when the topic no longer holds the events."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from uuid import UUID

import psycopg
import pytest
from prometheus_client import REGISTRY
from psycopg import sql

from adapters.projected_events import EventDecoder
from adapters.projection_copy_workers import CopyWorkerFailed
from adapters.projection_rebuild import RebuildResult, SideBySideRebuild
from adapters.projection_shadow import shadow_schema
from adapters.services.stack import Endpoints
from contact_center.bootstrap import Container, bootstrap
from contact_center.errors import ApplicationError
from contact_center.projection_host import ProjectionHost, SilentProgress
from contact_center.settings import Settings
from projections.base import Projection
from tests.bulk_events import save_batch
from tests.event_log import wait_for
from tests.projection_tables import applied_ids, built_from_scratch, dump, stored_offsets, topic_ends

NAME = "caller_history_v1"


def stored_events(container: Container) -> int:
    with psycopg.connect(container.endpoints.database_url) as conn:
        row = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(
            sql.Identifier(container.settings.db_schema, "switchboard_events"))).fetchone()
    return int(row[0]) if row else 0


def all_applied(container: Container, projection: Projection) -> Callable[[], bool]:
    """Every stored event applied exactly once, and every record on the topic consumed."""
    topic = f"{container.settings.topic_prefix}.events"
    db, schema = container.endpoints.database_url, container.settings.db_schema

    def done() -> bool:
        if applied_ids(db, schema, projection) != stored_events(container):
            return False
        stored = stored_offsets(db, schema, projection, topic)
        ends = topic_ends(container.endpoints.kafka_bootstrap_servers, topic)
        return all(stored.get(p, 0) >= end for p, end in ends.items())

    return done


def caught_up_worker(container: Container, projection: Projection,
                     write: Callable[[], object]) -> ProjectionHost:
    """Start the relay and a live worker of ``projection``, ``write``, and wait until the
    worker has applied all of it; the caller stops the worker."""
    worker = ProjectionHost([projection], container.projections.open_runner, retry_seconds=0.5)
    container.relay.start()
    worker.start()
    write()
    wait_for(all_applied(container, projection), timeout=90, what="the live worker to catch up")
    return worker


def from_scratch(container: Container, projection: Projection) -> dict[str, list[tuple[object, ...]]]:
    return built_from_scratch(container.endpoints.database_url,
                              container.endpoints.kafka_bootstrap_servers,
                              f"{container.settings.topic_prefix}.events", projection,
                              EventDecoder(container.data_keys))


def live(container: Container, projection: Projection) -> dict[str, list[tuple[object, ...]]]:
    return dump(container.endpoints.database_url, container.settings.db_schema, projection)


class Reader(threading.Thread):
    """Reads every table of the projection and a timeline, as fast as it can, until stopped;
    remembers every failure, whether the customer count ever went back, and which table
    (by oid) it read, to prove it read across the switch."""

    def __init__(self, container: Container, projection: Projection, customer: UUID) -> None:
        super().__init__(daemon=True)
        self.container, self.projection, self.customer = container, projection, customer
        self.stop, self.failures, self.reads = threading.Event(), list[str](), 0
        self.went_back, self.oids, self.last_count = False, set[int](), 0

    def run(self) -> None:
        schema = self.container.settings.db_schema
        counted = sql.SQL("SELECT count(*), {}::regclass::oid FROM {}").format(
            sql.Literal(f'"{schema}".caller_history_customers_v1'),
            sql.Identifier(schema, "caller_history_customers_v1"))
        with psycopg.connect(self.container.endpoints.database_url, autocommit=True) as conn:
            while not self.stop.is_set():
                try:
                    count, oid = conn.execute(counted).fetchone() or (0, 0)
                    for table in self.projection.table_names[1:]:
                        conn.execute(sql.SQL("SELECT * FROM {} LIMIT 5").format(
                            sql.Identifier(schema, table))).fetchall()
                    assert self.container.history.timeline(self.customer).entries
                except (psycopg.Error, ApplicationError, AssertionError) as error:
                    self.failures.append(repr(error))
                    continue
                self.reads += 1
                self.went_back |= int(count) < self.last_count
                self.last_count = int(count)
                self.oids.add(int(oid))


@pytest.fixture(params=[1, 2], ids=["copied-in-process", "copied-by-2-worker-processes"])
def container(request: pytest.FixtureRequest, settings_for_test: Settings,
              services: Endpoints) -> Iterator[Container]:
    """This file's container: the rebuild's copy made in the rebuilding process, or by
    worker processes sharing the partitions (``projection_rebuild_processes``)."""
    built = bootstrap(settings_for_test.model_copy(
        update={"projection_rebuild_processes": request.param}), services)
    try:
        yield built
    finally:
        built.close()


def test_rebuild_while_writing_and_reading_switches_atomically(
        container: Container) -> None:
    projection = container.projections.get("caller_history")
    first: list[UUID] = []

    def write() -> None:
        first.extend(save_batch(container.app, customers=100, follow_ups=[], label="before"))
        for n in range(5):
            save_batch(container.app, customers=50, follow_ups=first[n * 20:(n + 1) * 20], label=f"b{n}")

    worker = caught_up_worker(container, projection, write)
    try:
        result, reader = rebuild_while_writing_and_reading(container, projection, first)
        wait_for(all_applied(container, projection), timeout=90, what="the worker to continue")
    finally:
        worker.stop()
        container.relay.stop()
    assert result.events > 0
    assert reader.failures == []
    assert not reader.went_back  # the new tables were caught up before they were switched in
    assert len(reader.oids) == 2  # the reader read the old tables, then the new ones
    assert live(container, projection) == from_scratch(container, projection)


def rebuild_while_writing_and_reading(container: Container, projection: Projection,
                                      customers: list[UUID]) -> tuple[RebuildResult, Reader]:
    reader = Reader(container, projection, customers[0])
    stop_writing = threading.Event()

    def write() -> None:
        n = 0
        while not stop_writing.is_set():
            save_batch(container.app, customers=10, follow_ups=customers[n % 100:n % 100 + 5],
                       label=f"w{n}")
            n += 1

    writer = threading.Thread(target=write, daemon=True)
    reader.start()
    writer.start()
    try:
        result = container.projections.rebuild("caller_history")
        seen = reader.reads
        wait_for(lambda: reader.reads > seen + 50, timeout=30, what="reads after the switch")
    finally:
        stop_writing.set()
        writer.join(30)
        reader.stop.set()
        reader.join(30)
    return result, reader


def redelivered(name: str) -> float:
    return REGISTRY.get_sample_value("switchboard_projection_redelivered_total", {"projection": name}) or 0.0


def test_rebuild_from_the_event_store_when_the_topic_has_lost_the_events(
        settings_for_test: Settings, services: Endpoints) -> None:
    old = bootstrap(settings_for_test, services)
    projection = old.projections.get("caller_history")
    earlier: list[UUID] = []

    def write() -> None:
        earlier.extend(save_batch(old.app, customers=100, follow_ups=[], label="old"))
        save_batch(old.app, customers=50, follow_ups=earlier[:50], label="old2")

    try:
        caught_up_worker(old, projection, write).stop()
    finally:
        old.close()
    built_from_kafka = live(old, projection)

    # The same store, and an event topic that holds none of its events.
    moved = settings_for_test.model_copy(update={"topic_prefix": f"{settings_for_test.topic_prefix}_new"})
    container = bootstrap(moved, services)
    topic = f"{moved.topic_prefix}.events"
    db, schema = container.endpoints.database_url, moved.db_schema
    worker = ProjectionHost([projection], container.projections.open_runner, retry_seconds=0.5)
    try:
        result = container.projections.rebuild("caller_history", from_store=True)
        assert result.events == stored_events(container)
        assert live(container, projection) == built_from_kafka
        assert stored_offsets(db, schema, projection, topic) == dict.fromkeys(range(6), 0)
        assert stored_offsets(db, schema, projection, f"{settings_for_test.topic_prefix}.events") == {}

        # The relay of the new topic publishes every stored event again, and more come: the
        # worker applies the new ones and skips the ones the store already gave the tables.
        skipped_before = redelivered(NAME)
        container.relay.start()
        save_batch(container.app, customers=30, follow_ups=earlier[50:80], label="new")
        worker.start()
        wait_for(all_applied(container, projection), timeout=90, what="the worker on the new topic")
        worker.stop()
        assert redelivered(NAME) - skipped_before == result.events
        assert applied_ids(db, schema, projection) == stored_events(container)
        assert live(container, projection) == from_scratch(container, projection)
    finally:
        worker.stop()
        container.close()


def no_data_keys_here() -> tuple[Projection, EventDecoder, Callable[[], None]]:
    """A copy worker's opener that fails in the worker process (a top-level function: the
    spawned process imports it)."""
    raise RuntimeError("no data keys here")


def test_a_failing_copy_worker_abandons_the_copy_and_leaves_the_live_tables(
        settings_for_test: Settings, services: Endpoints) -> None:
    built = bootstrap(settings_for_test, services)
    projection = built.projections.get("caller_history")
    worker = caught_up_worker(built, projection, lambda: save_batch(
        built.app, customers=20, follow_ups=[], label="live"))
    try:
        before = live(built, projection)
        rebuild = SideBySideRebuild(
            projection, database_url=services.database_url, schema=settings_for_test.db_schema,
            bootstrap_servers=services.kafka_bootstrap_servers,
            topic=f"{settings_for_test.topic_prefix}.events", decoder=EventDecoder(built.data_keys),
            copy_processes=2, open_in_worker=no_data_keys_here)
        with pytest.raises(CopyWorkerFailed, match="no data keys here"):
            rebuild.from_kafka(SilentProgress())
        assert live(built, projection) == before
        with psycopg.connect(services.database_url) as conn:
            left = conn.execute("SELECT count(*) FROM pg_namespace WHERE nspname = %s",
                                (shadow_schema(settings_for_test.db_schema, projection),)).fetchone()
        assert left == (0,)  # the copy's schema is gone
    finally:
        worker.stop()
        built.close()
