"""Every stored event reaches Kafka as a CloudEvents record that matches its stored row.

Writes go through the HTTP API (several writers at once); the relay runs in-process, started
by the app's lifespan as ``switchboard serve`` does; the topic is read back from offset 0
and every record parsed with the CloudEvents SDK.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import pytest
from eventsourcing.utils import resolve_topic
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from adapters.services.stack import Endpoints
from api.app import create_app
from contact_center.bootstrap import Container, bootstrap
from contact_center.event_catalogue import event_fields
from contact_center.roles import Role
from contact_center.settings import Settings
from domain.events import event_type_name, personal_fields_of
from tests.conftest import bearer_for, signed_in
from tests.event_log import (
    TopicReader,
    data_of,
    first_occurrences_by_key,
    latest_notification,
    published_position,
    store_order_by_key,
    stored_rows,
    wait_for,
)

DPO = bearer_for(Role.ADMIN, "dpo")  # erasure is admin work
SECRETS = ("Lovelace", "+4930555716", "+4930555717", "030 5557", "example.org", "pacemaker", "Hopper")


@pytest.fixture
def relaying(settings_for_test: Settings, services: Endpoints) -> Iterator[tuple[TestClient, Container]]:
    settings = settings_for_test.model_copy(
        update={"relay_in_process": True})
    container = bootstrap(settings, services)
    try:
        with TestClient(create_app(container), raise_server_exceptions=False) as client:
            client.headers.update(signed_in(container, Role.ADMIN))
            yield client, container
    finally:
        container.close()


def ok(response: Any) -> str:
    assert response.status_code in (200, 201), response.text
    return str(response.json()["id"])


def customer_story(client: TestClient, n: int) -> None:
    """A customer's life: identities, details, consent, calls, an e-mail, a complaint."""
    actor = bearer_for(Role.SUPERVISOR, str(n % 3))  # a supervisor may do all of this
    ada = ok(client.post("/api/v1/customers", headers=actor, json={
        "display_name": f"Ada Lovelace {n}", "given_name": "Ada", "family_name": "Lovelace",
        "identities": [{"kind": "phone", "value": f"030 5557 {1600 + n}"},
                       {"kind": "email", "value": f"ada{n}@example.org"}]}))
    base = f"/api/v1/customers/{ada}"
    ok(client.put(f"{base}/details", headers=actor, json={"display_name": f"Countess Lovelace {n}"}))
    ok(client.post(f"{base}/consents", headers=actor, json={
        "channel": "phone", "purpose": "marketing_call", "granted": True, "source": "web form"}))
    agent = ok(client.post("/api/v1/agents", headers=actor, json={
        "display_name": f"Grace Hopper {n}", "login": f"grace{n}"}))
    ok(client.put(f"/api/v1/agents/{agent}/presence", headers=actor, json={"presence": "available"}))
    call = ok(client.post("/api/v1/interactions/calls", headers=actor, json={
        "direction": "inbound", "from_number": f"030 5557 {1600 + n}", "to_number": "+49 40 3003 1234",
        "queue": "support", "customer_id": ada}))
    steps: list[tuple[str, dict[str, Any] | None]]
    steps = [("answer", {"agent_id": agent}), ("hold", None), ("resume", None),
             ("end", None), ("wrap-up", {"code": "resolved"}),
             ("notes", {"note": "mentioned the pacemaker appointment"})]
    for action, body in steps:
        ok(client.post(f"/api/v1/interactions/{call}/{action}", headers=actor, json=body))
    unknown = ok(client.post("/api/v1/interactions/calls", headers=actor, json={
        "direction": "inbound", "from_number": f"030 5557 {1700 + n}", "to_number": "+49 40 3003 1234"}))
    ok(client.post(f"/api/v1/interactions/{unknown}/miss", headers=actor))
    ok(client.post(f"/api/v1/interactions/{unknown}/link", headers=actor, json={"customer_id": ada}))
    ok(client.post("/api/v1/interactions", headers=actor, json={
        "channel": "email", "direction": "inbound", "from_address": f"ada{n}@example.org",
        "subject": "Invoice", "body": "Please resend it.", "customer_id": ada}))
    case = ok(client.post("/api/v1/cases", headers=actor, json={
        "kind": "complaint", "category": "billing", "priority": "high", "summary": "charged twice",
        "customer_id": ada, "first_response_minutes": 60, "resolution_minutes": 480}))
    steps = [("assign", {"agent_id": agent}), ("first-response", None),
             ("resolve", {"resolution_code": "refunded", "first_contact_resolution": True}),
             ("satisfaction", {"score": 5}), ("close", None)]
    for action, body in steps:
        ok(client.post(f"/api/v1/cases/{case}/{action}", headers=actor, json=body))
    if n % 4 == 0:
        dup = ok(client.post("/api/v1/customers", headers=actor, json={"display_name": f"A. Lovelace {n}"}))
        ok(client.post(f"/api/v1/customers/{dup}/merge", headers=actor, json={"survivor_id": ada}))
        ok(client.post(f"/api/v1/customers/{dup}/unmerge", headers=actor))
    if n % 5 == 0:
        ok(client.post(f"{base}/erasure", headers={**actor, **DPO}, json={"legal_basis": "GDPR Art. 17"}))


def test_every_stored_event_is_on_kafka_as_a_cloudevent(
    relaying: tuple[TestClient, Container], services: Endpoints
) -> None:
    client, container = relaying
    settings = container.settings
    topic = f"{settings.topic_prefix}.events"
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda n: customer_story(client, n), range(12)))

    url, schema = services.database_url, settings.db_schema
    latest = latest_notification(url, schema)
    wait_for(lambda: published_position(url, schema, topic) == latest, timeout=60, what="the relay")
    wait_for(lambda: REGISTRY.get_sample_value("switchboard_relay_lag_events", {"topic": topic}) == 0,
             timeout=10, what="lag 0")
    rows = stored_rows(url, schema)
    assert len(rows) > 300
    reader = TopicReader(services.kafka_bootstrap_servers, topic)
    try:
        records = reader.read_until(lambda got: len(got) >= len(rows))
        assert reader.poll() == []
    finally:
        reader.close()

    assert len(records) == len(rows)  # no crash, so no re-sends
    by_id = {row.event_id: row for row in rows}
    assert {r.id for r in records} == set(by_id)
    transcoder = container.app.mapper.transcoder
    for record in records:
        row, event, data = by_id[record.id], record.event, data_of(record)
        stored = transcoder.decode(row.state)
        event_class = resolve_topic(row.topic)
        assert event.get_specversion() == "1.0"
        assert event.get_source() == "/switchboard"
        assert event.get_type() == event_type_name(event_class)
        assert event.get_subject() == row.aggregate_id
        assert event.get_datacontenttype() == "application/json"
        assert record.sequence == row.notification_id
        assert event.get_extension("actor") == stored["actor"] == data["actor"]
        assert event.get_extension("actor") in {"supervisor:0", "supervisor:1", "supervisor:2", "admin:dpo"}
        customer = stored["customer_id"]
        assert event.get_extension("customerid") == str(customer or row.aggregate_id) == record.key
        assert event.get_extension("partitionkey") == record.key
        assert event.get_time() == stored["occurred_at"]
        assert datetime.fromisoformat(data["occurred_at"]) == stored["occurred_at"]
        assert set(data) == set(event_fields(event_class))
        assert record.headers["content-type"].startswith(b"application/cloudevents+json")
        for name in personal_fields_of(event_class):
            value = data[name]
            assert value is None or value == stored[name]
            assert value is None or value["encrypted"] == "aes-256-gcm"

    key_of = {r.id: r.key for r in records}
    assert first_occurrences_by_key(records) == store_order_by_key(rows, key_of)
    raw = b"".join(r.value for r in records)
    assert not [secret for secret in SECRETS if secret.encode() in raw]
    published = REGISTRY.get_sample_value("switchboard_relay_published_total", {"topic": topic})
    assert published is not None
    assert published >= len(rows)
