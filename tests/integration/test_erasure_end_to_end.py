"""Erasure end to end: after crypto-shredding, no copy anywhere shows the customer's personal
data — API, timeline, rebuilt read models, the Kafka log read from offset 0 — while the audit
chain still verifies and the leaderboard is unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from kafka import KafkaConsumer
from psycopg import sql

from adapters.projected_events import EventDecoder
from adapters.services.stack import Endpoints
from api.app import create_app
from contact_center.bootstrap import Container, bootstrap
from contact_center.roles import Role
from contact_center.settings import Settings
from tests.conftest import bearer_for, signed_in
from tests.event_log import wait_for

DPO = bearer_for(Role.ADMIN, "dpo")  # erasure is admin work
PHONE, EMAIL = "+493055571642", "grace.hopper@example.org"
NOTE, NAME = "cobol compiler ticket", "Grace Hopper"
SECRETS = (PHONE, EMAIL, NOTE, NAME)


def post(client: TestClient, path: str, body: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
    response = client.post(path, json=body, **kw)
    assert response.status_code in (200, 201), response.text
    return {**response.json(), "at": int(response.headers["X-Switchboard-Position"])}


class ManualClock:
    def __init__(self) -> None:
        self.at = datetime.now(UTC) - timedelta(hours=3)

    def now(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


@pytest.fixture
def timed_pipeline(
    pipeline_settings: Settings, services: Endpoints,
) -> Iterator[tuple[TestClient, Container, ManualClock]]:
    clock = ManualClock()
    built = bootstrap(pipeline_settings, services, clock=clock)
    try:
        with TestClient(create_app(built), raise_server_exceptions=False) as client:
            client.headers.update(signed_in(built, Role.ADMIN))
            yield client, built, clock
    finally:
        built.close()


def rich_history(client: TestClient, clock: ManualClock) -> tuple[str, str, int]:
    customer = post(client, "/api/v1/customers", {
        "display_name": NAME, "identities": [{"kind": "phone", "value": PHONE},
                                              {"kind": "email", "value": EMAIL}]})["id"]
    agent = post(client, "/api/v1/agents", {"display_name": "Alan", "login": "alan", "team": "blue"})["id"]
    post(client, f"/api/v1/agents/{agent}/leaderboard-consent", {"granted": True})
    call = post(client, "/api/v1/interactions/calls", {
        "direction": "inbound", "from_number": PHONE, "to_number": "+4930123456",
        "customer_id": customer})["id"]
    clock.advance(5)
    post(client, f"/api/v1/interactions/{call}/answer", {"agent_id": agent})
    clock.advance(90)
    post(client, f"/api/v1/interactions/{call}/end")
    post(client, f"/api/v1/interactions/{call}/notes", {"note": NOTE})
    post(client, "/api/v1/interactions", {"channel": "email", "direction": "inbound",
                                          "from_address": EMAIL, "body": NOTE, "customer_id": customer})
    case = post(client, "/api/v1/cases", {
        "kind": "complaint", "category": "billing", "priority": "high", "summary": "double charge",
        "customer_id": customer, "first_response_minutes": 60, "resolution_minutes": 600})["id"]
    post(client, f"/api/v1/cases/{case}/assign", {"agent_id": agent})
    clock.advance(3600)
    last = post(client, f"/api/v1/cases/{case}/resolve", {"resolution_code": "refund",
                                                        "first_contact_resolution": True})
    return customer, agent, int(last["at"])


def projection_dump(container: Container) -> str:
    schema = container.settings.db_schema
    with psycopg.connect(container.endpoints.database_url) as conn:
        tables = [row[0] for row in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s AND "
            "(table_name LIKE 'caller_history%%' OR table_name LIKE 'screen_pop%%' "
            " OR table_name LIKE 'identity_lookup%%' OR table_name LIKE 'cases_sla%%')", (schema,))]
        dumps = [str(conn.execute(sql.SQL("SELECT * FROM {}.{}").format(
            sql.Identifier(schema), sql.Identifier(t))).fetchall()) for t in tables]
    assert tables
    return "\n".join(dumps)


def test_erasure_leaves_no_personal_data_anywhere(
    timed_pipeline: tuple[TestClient, Container, ManualClock],
) -> None:
    client, container, clock = timed_pipeline
    customer, agent, at = rich_history(client, clock)
    board_before = client.get("/api/v1/leaderboards", params={"period": "month", "min_position": at}).json()
    assert [(row["agent_id"], row["points"]) for row in board_before["agents"]] == [(agent, 57)]
    timeline = client.get(f"/api/v1/customers/{customer}/timeline", params={"min_position": at}).text
    assert NOTE in timeline

    erased = post(client, f"/api/v1/customers/{customer}/erasure", {"legal_basis": "Art. 17 request"},
                  headers=DPO)["at"]
    timeline = client.get(f"/api/v1/customers/{customer}/timeline", params={"min_position": erased})
    assert timeline.status_code == 200
    assert not [s for s in SECRETS if s in timeline.text]
    for read in (f"/api/v1/customers/{customer}/card", "/api/v1/cases", "/api/v1/lookup"):
        params: dict[str, Any] = {"min_position": erased}
        if read.endswith("lookup"):
            params["phone"] = PHONE
        assert client.get(read, params=params).status_code == 200, read  # every read model caught up
    assert not [s for s in SECRETS if s in projection_dump(container)]  # purged live

    for name in ("caller_history", "screen_pop_card", "identity_lookup", "cases_sla"):
        container.projections.rebuild(name)
    wait_for(lambda: "[erased]" in client.get(f"/api/v1/customers/{customer}/timeline").text,
             timeout=60, what="the rebuilt timeline")
    assert not [s for s in SECRETS if s in projection_dump(container)]  # and after a rebuild

    board_after = client.get("/api/v1/leaderboards", params={"period": "month"}).json()
    assert board_after["agents"] == board_before["agents"]
    assert container.chain_verifier.verify().ok

    consumer = KafkaConsumer(f"{container.settings.topic_prefix}.events",
                             bootstrap_servers=container.endpoints.kafka_bootstrap_servers,
                             auto_offset_reset="earliest", consumer_timeout_ms=5000, group_id=None)
    raw = [record.value for record in consumer]
    consumer.close()
    assert len(raw) >= erased
    container.data_keys.clear_cache()
    decoded = [EventDecoder(container.data_keys).decode(value) for value in raw]
    assert not [s for s in SECRETS for value in raw if s.encode() in value]  # ciphertext on Kafka
    assert not [s for s in SECRETS for event in decoded if s in str(event.data)]  # even with keys
