"""The relay under faults: SIGKILLed mid-stream, the broker gone for a while, a standby taking over.

Whatever happens, the topic ends up holding every stored event at least once, each key's
events in store order, and de-duplicating by CloudEvents ``id`` gives exactly the stored set.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from uuid import UUID

import httpx

from adapters.services.kafka_broker import KafkaBroker
from adapters.services.stack import Endpoints
from contact_center.bootstrap import Container
from contact_center.roles import Role
from contact_center.settings import Settings
from tests.bulk_events import EVENTS_PER_CUSTOMER, EVENTS_PER_FOLLOW_UP, save_batch
from tests.conftest import TEST_MASTER_KEY, bearer_for
from tests.e2e.relay_processes import RelayProcesses, lock_holders, relay_env
from tests.event_log import (
    TopicReader,
    first_occurrences_by_key,
    latest_notification,
    published_position,
    store_order_by_key,
    stored_rows,
    wait_for,
)
from tests.process_helpers import cli_env, serving

CUSTOMERS_PER_SAVE = 50
SAVES = 34  # 34 saves × 50 customers × (10 + 2) events = 20,400 events
KILL_AFTER_SAVES = (2, 9, 17, 26)


def assert_topic_holds_the_store(database_url: str, schema: str, kafka: str, topic: str) -> int:
    """Every stored event at least once, per-key store order, dedupe = the stored set.
    Returns how many records were re-sends."""
    rows = stored_rows(database_url, schema)
    by_id = {row.event_id: row for row in rows}
    reader = TopicReader(kafka, topic)
    try:
        records = reader.read_until(lambda _: set(by_id) <= reader.ids(), timeout=90)
        reader.poll()
    finally:
        reader.close()
    assert reader.ids() == set(by_id)
    assert all(r.sequence == by_id[r.id].notification_id for r in records)
    key_of = {r.id: r.key for r in records}
    assert first_occurrences_by_key(records) == store_order_by_key(rows, key_of)
    return len(records) - len(by_id)


def _advances(url: str, schema: str, topic: str) -> Callable[[], bool]:
    before = published_position(url, schema, topic)
    return lambda: published_position(url, schema, topic) > before


def test_sigkilled_relay_loses_nothing_and_keeps_order(
    container: Container, services: Endpoints, tmp_path: Path
) -> None:
    settings = container.settings
    url, schema, topic = services.database_url, settings.db_schema, f"{settings.topic_prefix}.events"
    relays = RelayProcesses(relay_env(url, services.kafka_bootstrap_servers, schema,
                                      settings.topic_prefix), tmp_path)
    relay = relays.start()
    follow_ups: list[UUID] = []
    kills = 0
    try:
        for n in range(SAVES):
            follow_ups = save_batch(container.app, CUSTOMERS_PER_SAVE, follow_ups, label=str(n))
            if n in KILL_AFTER_SAVES:
                # Kill once the relay is visibly publishing, so the kill lands mid-stream.
                wait_for(_advances(url, schema, topic), timeout=60, what="the relay to publish")
                relays.kill(relay)
                kills += 1
                relay = relays.start()
        save_batch(container.app, 0, follow_ups, label="last")
        latest = latest_notification(url, schema)
        assert latest >= 20_000
        wait_for(lambda: published_position(url, schema, topic) == latest, timeout=90,
                 what="the relay to catch up")
        assert relays.stop(relay) == 0  # SIGTERM: a clean stop
    finally:
        relays.stop_all()
    assert kills >= 3
    expected = SAVES * CUSTOMERS_PER_SAVE * (EVENTS_PER_CUSTOMER + EVENTS_PER_FOLLOW_UP)
    assert len(stored_rows(url, schema)) == expected
    assert_topic_holds_the_store(url, schema, services.kafka_bootstrap_servers, topic)


def _metric(base: str, name: str, topic: str) -> float | None:
    text = httpx.get(f"{base}/metrics", timeout=10).text
    match = re.search(rf'^{name}\{{topic="{re.escape(topic)}"\}} (\S+)$', text, re.MULTILINE)
    return float(match.group(1)) if match else None


def _register(base: str, n: int) -> None:
    response = httpx.post(f"{base}/api/v1/customers", timeout=10, headers=bearer_for(Role.INTEGRATION), json={
        "display_name": f"Outage Customer {n}",
        "identities": [{"kind": "email", "value": f"outage{n}@example.org"}]})
    assert response.status_code == 201, response.text


def test_broker_outage_holds_the_position_then_catches_up(
    services: Endpoints, pg_schema: str, tmp_path: Path
) -> None:
    """``switchboard serve`` with its in-process relay, against a broker of this test's own."""
    settings = Settings()
    broker = KafkaBroker(settings.cache_dir, tmp_path, settings.kafka_version)
    servers = broker.start()
    port = int(servers.rsplit(":", 1)[1])
    url, topic = services.database_url, f"{pg_schema}.events"
    env = cli_env(DATABASE_URL=url, KAFKA_BOOTSTRAP_SERVERS=servers, SWITCHBOARD_DB_SCHEMA=pg_schema,
                  SWITCHBOARD_TOPIC_PREFIX=pg_schema, SWITCHBOARD_MASTER_KEY=TEST_MASTER_KEY,
                  SWITCHBOARD_RELAY_DELIVERY_TIMEOUT_MS="2000")
    log = tmp_path / "serve.log"
    try:
        with serving(env, log) as base:
            for n in range(10):
                _register(base, n)
            latest = latest_notification(url, pg_schema)
            wait_for(lambda: published_position(url, pg_schema, topic) == latest, timeout=60,
                     what="the relay")

            broker.stop()
            for n in range(10, 40):
                _register(base, n)  # PostgreSQL is the store of record: writes go on
            during = latest_notification(url, pg_schema)
            wait_for(lambda: (_metric(base, "switchboard_relay_lag_events", topic) or 0) > 0,
                     timeout=30, what="lag above 0")
            assert published_position(url, pg_schema, topic) == latest < during
            # Down past the publish timeout: the relay gives up on the batch, keeps its position,
            # backs off and reconnects, maybe several times.
            wait_for(lambda: "event log unavailable" in log.read_text(), timeout=30,
                     what="a failed publish")
            assert published_position(url, pg_schema, topic) == latest

            broker.start(port=port)
            wait_for(lambda: published_position(url, pg_schema, topic) == during, timeout=90,
                     what="the relay to catch up after the outage")
            wait_for(lambda: _metric(base, "switchboard_relay_lag_events", topic) == 0, timeout=10,
                     what="lag 0")
        assert_topic_holds_the_store(url, pg_schema, servers, topic)
    finally:
        broker.stop()


def test_standby_takes_over_within_five_seconds(
    container: Container, services: Endpoints, tmp_path: Path
) -> None:
    settings = container.settings
    url, schema, topic = services.database_url, settings.db_schema, f"{settings.topic_prefix}.events"
    relays = RelayProcesses(relay_env(url, services.kafka_bootstrap_servers, schema,
                                      settings.topic_prefix), tmp_path)
    first, second = relays.start(), relays.start()
    pids = {first.pid, second.pid}
    try:
        save_batch(container.app, 5, [], label="before")
        latest = latest_notification(url, schema)
        wait_for(lambda: published_position(url, schema, topic) == latest, timeout=60, what="a relay")
        wait_for(lambda: len(lock_holders(url, schema, topic) & pids) == 1, timeout=10,
                 what="one lock holder")
        (active_pid,) = lock_holders(url, schema, topic) & pids
        active, standby = (first, second) if first.pid == active_pid else (second, first)

        reader = TopicReader(services.kafka_bootstrap_servers, topic)
        try:
            killed_at = time.monotonic()
            relays.kill(active)
            (new_customer,) = save_batch(container.app, 1, [], label="after")
            reader.read_until(lambda got: any(r.key == str(new_customer) for r in got), timeout=30)
            took = time.monotonic() - killed_at
        finally:
            reader.close()
        assert took <= 5.0, f"the standby took {took:.1f}s\n{relays.logs()}"
        assert lock_holders(url, schema, topic) & pids == {standby.pid}
        assert standby.poll() is None
    finally:
        relays.stop_all()
    assert_topic_holds_the_store(url, schema, services.kafka_bootstrap_servers, topic)
