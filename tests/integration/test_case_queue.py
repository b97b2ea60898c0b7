"""Case queues through the whole pipeline, with breaches measured by a clock the test moves."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from adapters.services.stack import Endpoints
from contact_center.bootstrap import Container
from contact_center.settings import Settings
from tests.integration.case_requests import complaint, new_agent, new_customer
from tests.integration.read_model_requests import ManualClock, clocked_pipeline, post

NINE = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NINE)


@pytest.fixture
def queue(pipeline_settings: Settings, services: Endpoints,
          clock: ManualClock) -> Iterator[tuple[TestClient, Container]]:
    with clocked_pipeline(pipeline_settings, services, clock) as built:
        yield built


def at(clock: ManualClock, hour: int, minute: int) -> None:
    clock.moment = NINE.replace(hour=hour, minute=minute)


def listed(client: TestClient, position: int, **query: Any) -> list[str]:
    return [case["id"] for case in page(client, position, **query)["items"]]


def page(client: TestClient, position: int, **query: Any) -> dict[str, Any]:
    response = client.get("/api/v1/cases", params={**query, "min_position": position})
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_queues_filter_and_measure_breaches(queue: tuple[TestClient, Container], clock: ManualClock) -> None:
    client, _ = queue
    ada, grace = new_customer(client), new_agent(client)
    billing, _ = post(client, "/api/v1/cases", complaint(ada, first_response_minutes=10,
                                                         resolution_minutes=100))
    delivery, _ = post(client, "/api/v1/cases", complaint(
        ada, kind="service_request", category="delivery", priority="normal",
        first_response_minutes=60, resolution_minutes=480))
    waiting, _ = post(client, "/api/v1/cases", complaint(
        ada, kind="service_request", category="delivery", first_response_minutes=120,
        resolution_minutes=480))
    quick, _ = post(client, "/api/v1/cases", complaint(ada, first_response_minutes=30,
                                                       resolution_minutes=300))
    post(client, f"/api/v1/cases/{delivery}/assign", {"agent_id": grace})
    post(client, f"/api/v1/cases/{waiting}/pending", {"reason": "waiting for the courier"})
    at(clock, 9, 5)
    _, written = post(client, f"/api/v1/cases/{quick}/resolve", {
        "resolution_code": "refunded", "first_contact_resolution": True})

    # Open and pending by default, the soonest running deadline first; resolved ones are gone.
    assert listed(client, written) == [billing, delivery, waiting]
    assert listed(client, written, queue="billing") == [billing]
    assert listed(client, written, queue="delivery") == [delivery, waiting]
    assert listed(client, written, assignee=grace) == [delivery]
    assert listed(client, written, status="pending") == [waiting]
    assert listed(client, written, status="resolved") == [quick]
    assert listed(client, written, status=["open", "pending"], queue="delivery") == [delivery, waiting]
    first = page(client, written, queue="billing")["items"][0]
    assert (first["queue"], first["kind"], first["priority"], first["status"]) == (
        "billing", "complaint", "high", "open")
    assert (first["first_response_due"], first["resolution_due"], first["next_due"]) == (
        "2024-03-01T09:10:00Z", "2024-03-01T10:40:00Z", "2024-03-01T09:10:00Z")
    assert page(client, written, assignee=grace)["items"][0]["assignee"] == grace

    at(clock, 9, 9)  # one of ten minutes left: at risk
    assert listed(client, written, about_to_breach=True) == [billing]
    assert listed(client, written, breached=True) == []
    at(clock, 9, 11)
    assert listed(client, written, breached=True) == [billing]
    assert listed(client, written, breached=False) == [delivery, waiting]
    late = page(client, written, breached=True)["items"][0]
    assert (late["sla"], late["breached"], late["about_to_breach"]) == (
        {"response": "breached", "resolution": "ok"}, True, False)

    at(clock, 9, 50)  # ten of sixty minutes left on the assigned request
    assert listed(client, written, about_to_breach=True) == [delivery]
    counts = client.get("/api/v1/case-queues", params={"min_position": written}).json()
    assert counts == [{"queue": "billing", "open": 1, "breached": 1, "about_to_breach": 0},
                      {"queue": "delivery", "open": 2, "breached": 0, "about_to_breach": 1}]

    _, written = post(client, f"/api/v1/cases/{billing}/resolve", {
        "resolution_code": "refunded", "first_contact_resolution": False})
    assert listed(client, written) == [delivery, waiting]
    assert listed(client, written, status="resolved") == [billing, quick]
    # Answered late stays breached; resolved in time everywhere else.
    assert listed(client, written, status="resolved", breached=True) == [billing]


def test_pages_and_bad_filters(queue: tuple[TestClient, Container]) -> None:
    client, _ = queue
    ada = new_customer(client)
    ids = []
    for minutes in (30, 10, 20):
        case, written = post(client, "/api/v1/cases", complaint(ada, first_response_minutes=minutes))
        ids.append(case)
    seen, cursor = [], None
    while True:
        query: dict[str, Any] = {"limit": 1} if cursor is None else {"limit": 1, "cursor": cursor}
        body = page(client, written, **query)
        seen += [case["id"] for case in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [ids[1], ids[2], ids[0]]

    # The write side's routes under the same path still answer.
    assert client.get(f"/api/v1/cases/{ids[0]}").json()["id"] == ids[0]
    for bad in ({"status": "lost"}, {"breached": "maybe"}, {"about_to_breach": "soon"},
                {"assignee": "grace"}, {"limit": 0}, {"limit": 1000}, {"cursor": "not-ours"},
                {"queue": ""}, {"min_position": -1}):
        response = client.get("/api/v1/cases", params=bad)
        assert response.status_code == 422, (bad, response.text)
        assert response.headers["content-type"] == "application/problem+json"
