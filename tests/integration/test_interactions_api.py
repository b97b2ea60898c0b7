"""Interaction commands through the HTTP API on the real PostgreSQL event store."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import uuid4

import httpx
import pytest
from fastapi.testclient import TestClient

from contact_center.bootstrap import Container
from tests.integration.case_requests import new_agent
from tests.integration.event_counts import stored_event_count

BASE = "/api/v1/interactions"
UNKNOWN = "00000000-0000-0000-0000-000000000000"
CALL = {"direction": "inbound", "from_number": "030 5557 1600", "to_number": "+49 40 3003 1234",
        "queue": "support"}
EMAIL = {"channel": "email", "direction": "inbound", "from_address": "ada@example.org",
         "to_address": "support@example.com", "subject": "Invoice", "body": "Please resend it."}


@pytest.fixture
def agent(client: TestClient) -> str:
    return new_agent(client, f"agent-{uuid4().hex[:8]}")


@pytest.fixture
def other_agent(client: TestClient) -> str:
    return new_agent(client, f"other-{uuid4().hex[:8]}")


def register_customer(client: TestClient) -> str:
    response = client.post("/api/v1/customers", json={"display_name": "Ada Lovelace"})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def ring(client: TestClient, **fields: Any) -> str:
    response = client.post(f"{BASE}/calls", json={**CALL, **fields})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def command(client: TestClient, interaction: str, action: str, body: Any = None,
            headers: dict[str, str] | None = None) -> httpx.Response:
    response: httpx.Response = client.post(f"{BASE}/{interaction}/{action}", json=body,
                                           headers=headers)
    return response


def state(client: TestClient, interaction: str) -> dict[str, Any]:
    response = client.get(f"{BASE}/{interaction}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = dict(response.json())
    assert problem["status"] == status
    assert problem["detail"]
    return problem


def test_log_returns_location_and_takes_notes_wrap_up_and_close(client: TestClient) -> None:
    ada = register_customer(client)
    response = client.post(BASE, json={**EMAIL, "customer_id": ada})
    assert response.status_code == 201
    body = response.json()
    assert body["version"] == 1
    assert response.headers["ETag"] == '"1"'
    assert int(response.headers["X-Switchboard-Position"]) == body["position"]
    assert response.headers["Location"] == f"{BASE}/{body['id']}"
    email = body["id"]
    assert command(client, email, "notes", {"note": "sent a copy"}).status_code == 200
    assert command(client, email, "wrap-up", {"code": "billing", "notes": "resent"}).status_code == 200
    closed = command(client, email, "close")
    assert closed.status_code == 200
    assert closed.headers["ETag"] == '"4"'
    found = client.get(response.headers["Location"])
    assert found.headers["ETag"] == '"4"'
    email_state = found.json()
    assert (email_state["channel"], email_state["status"], email_state["customer_id"]) == (
        "email", "closed", ada)
    assert email_state["subject"] == "Invoice"
    assert email_state["notes"] == ["sent a copy"]
    assert (email_state["wrap_up_code"], email_state["wrap_up_notes"]) == ("billing", "resent")
    assert email_state["ended_at"] is not None


def test_every_channel_can_be_logged(client: TestClient) -> None:
    for channel in ("email", "chat", "sms", "social", "letter", "visit"):
        for direction in ("inbound", "outbound"):
            response = client.post(BASE, json={"channel": channel, "direction": direction})
            assert response.status_code == 201, (channel, response.text)
            found = state(client, response.json()["id"])
            assert (found["channel"], found["direction"], found["status"]) == (channel, direction, "open")


def test_ring_normalises_numbers_and_keeps_withheld_empty(client: TestClient) -> None:
    call = state(client, ring(client))
    assert (call["from_address"], call["to_address"]) == ("+493055571600", "+494030031234")
    assert (call["channel"], call["status"], call["queue"]) == ("call", "ringing", "support")
    withheld = state(client, ring(client, from_number="anonymous"))
    assert withheld["from_address"] is None
    assert state(client, ring(client, from_number=None))["from_address"] is None


def test_full_call_lifecycle(client: TestClient, agent: str, other_agent: str) -> None:
    ada = register_customer(client)
    call = ring(client)
    assert command(client, call, "answer", {"agent_id": agent}).status_code == 200
    assert state(client, call)["status"] == "answered"
    assert command(client, call, "hold").status_code == 200
    assert state(client, call)["status"] == "on_hold"
    assert command(client, call, "resume").status_code == 200
    assert command(client, call, "transfer", {"to_agent_id": other_agent}).status_code == 200
    assert command(client, call, "end").status_code == 200
    assert command(client, call, "wrap-up", {"code": "resolved"}).status_code == 200
    assert command(client, call, "recording", {"reference": "rec-42"}).status_code == 200
    assert command(client, call, "link", {"customer_id": ada}).status_code == 200
    assert command(client, call, "notes", {"note": "called back later"}).status_code == 200
    final = state(client, call)
    assert final["version"] == 10
    assert (final["status"], final["is_finished"], final["agent_id"]) == ("ended", True, other_agent)
    assert min(final["wait_seconds"], final["talk_seconds"], final["hold_seconds"]) >= 0
    assert None not in (final["answered_at"], final["ended_at"])
    assert (final["wrap_up_code"], final["recording_references"]) == ("resolved", ["rec-42"])
    assert final["customer_id"] == ada


def test_unanswered_outcomes(client: TestClient) -> None:
    outcomes: list[tuple[str, Any, str]] = [
        ("miss", None, "missed"), ("abandon", None, "abandoned"), ("busy", None, "busy"),
        ("voicemail", {"recording_reference": "vm-7"}, "voicemail"),
        ("forward", {"forwarded_to": "+493055571699"}, "forwarded"),
    ]
    for action, body, status in outcomes:
        call = ring(client)
        response = command(client, call, action, body)
        assert response.status_code == 200, (action, response.text)
        found = state(client, call)
        assert (found["status"], found["is_finished"]) == (status, True)
        assert found["wait_seconds"] is not None
        assert found["talk_seconds"] is None
        if action == "voicemail":
            assert found["recording_references"] == ["vm-7"]
        if action == "forward":
            assert found["forwarded_to"] == "+493055571699"


def test_not_found_stores_nothing(client: TestClient, container: Container, agent: str) -> None:
    call = ring(client)
    before = stored_event_count(container)
    assert_problem(client.get(f"{BASE}/{UNKNOWN}"), 404)
    assert_problem(command(client, UNKNOWN, "answer", {"agent_id": agent}), 404)
    assert_problem(command(client, UNKNOWN, "hold"), 404)
    customer = assert_problem(command(client, call, "link", {"customer_id": UNKNOWN}), 404)
    assert "customer" in customer["detail"]
    assert_problem(client.post(BASE, json={**EMAIL, "customer_id": UNKNOWN}), 404)
    assert_problem(client.post(f"{BASE}/calls", json={**CALL, "customer_id": UNKNOWN}), 404)
    assert stored_event_count(container) == before


def test_invalid_transitions_are_409_and_store_nothing(client: TestClient, container: Container,
                                                       agent: str) -> None:
    call = ring(client)
    assert command(client, call, "answer", {"agent_id": agent}).status_code == 200
    email = client.post(BASE, json=EMAIL).json()["id"]
    before = stored_event_count(container)
    twice = assert_problem(command(client, call, "answer", {"agent_id": agent}), 409)
    assert twice["error"] == "InvalidTransition"
    assert_problem(command(client, call, "resume"), 409)
    assert_problem(command(client, call, "miss"), 409)
    assert_problem(command(client, call, "close"), 409)
    assert_problem(command(client, email, "hold"), 409)
    assert_problem(command(client, email, "recording", {"reference": "r"}), 409)
    assert stored_event_count(container) == before
    assert state(client, call)["version"] == 2


def test_if_match_conflict_and_two_concurrent_writers(client: TestClient, container: Container,
                                                      agent: str) -> None:
    call = ring(client)
    before = stored_event_count(container)
    stale = assert_problem(
        command(client, call, "answer", {"agent_id": agent}, headers={"If-Match": '"5"'}), 409)
    assert stale["current_version"] == 1
    assert stored_event_count(container) == before

    def note(text: str) -> int:
        return command(client, call, "notes", {"note": text}, headers={"If-Match": '"1"'}).status_code

    with ThreadPoolExecutor(2) as pool:
        statuses = sorted(pool.map(note, ["writer one", "writer two"]))
    assert statuses == [200, 409]
    assert stored_event_count(container) == before + 1
    assert len(state(client, call)["notes"]) == 1
    current = command(client, call, "answer", {"agent_id": agent}, headers={"If-Match": '"2"'})
    assert current.status_code == 200
    assert current.headers["ETag"] == '"3"'


def test_validation_errors_name_the_field_and_store_nothing(
    client: TestClient, container: Container
) -> None:
    call = ring(client)
    before = stored_event_count(container)
    expectations: list[tuple[str, dict[str, Any], str]] = [
        (BASE, {**EMAIL, "channel": "pigeon"}, "channel"),
        (BASE, {**EMAIL, "channel": "call"}, "channel"),
        (BASE, {**EMAIL, "direction": "sideways"}, "direction"),
        (BASE, {**EMAIL, "mood": "grumpy"}, "mood"),
        (BASE, {**EMAIL, "subject": "x" * 501}, "subject"),
        (BASE, {**EMAIL, "subject": "   "}, "subject"),
        (f"{BASE}/calls", {**CALL, "from_number": "12"}, "from_number"),
        (f"{BASE}/calls", {**CALL, "to_number": "not a number"}, "to_number"),
        (f"{BASE}/calls", {**CALL, "extension": "7"}, "extension"),
        (f"{BASE}/{call}/answer", {"agent_id": "agent-7"}, "agent_id"),
        (f"{BASE}/{call}/notes", {"note": ""}, "note"),
    ]
    for url, body, field in expectations:
        problem = assert_problem(client.post(url, json=body), 422)
        fields = [problem.get("field")] + [e["field"] for e in problem.get("errors", [])]
        assert field in fields, (body, problem)
        assert field in problem["detail"] or problem.get("field") == field
    assert_problem(client.get(f"{BASE}/not-a-uuid"), 422)
    assert stored_event_count(container) == before


def test_malformed_and_oversized_bodies(client: TestClient, container: Container) -> None:
    call = ring(client)
    before = stored_event_count(container)
    malformed = client.post(BASE, content=b'{"channel": "email",',
                            headers={"content-type": "application/json"})
    assert assert_problem(malformed, 400)["title"] == "Malformed JSON"
    limit = container.settings.max_body_bytes
    oversized = client.post(f"{BASE}/{call}/notes", json={"note": "x" * (limit + 1)})
    assert_problem(oversized, 413)
    assert stored_event_count(container) == before


def test_idempotent_retry_stores_one_event(client: TestClient, container: Container, agent: str,
                                           other_agent: str) -> None:
    key = {"Idempotency-Key": "ring-once-1"}
    first = client.post(f"{BASE}/calls", json=CALL, headers=key)
    count = stored_event_count(container)
    second = client.post(f"{BASE}/calls", json=CALL, headers=key)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json() == {**first.json(), "replayed": True}
    assert first.json()["replayed"] is False
    assert stored_event_count(container) == count
    call = first.json()["id"]
    answer_key = {"Idempotency-Key": "answer-once-1"}
    answered = command(client, call, "answer", {"agent_id": agent}, headers=answer_key)
    again = command(client, call, "answer", {"agent_id": agent}, headers=answer_key)
    assert again.status_code == 200
    assert again.json() == {**answered.json(), "replayed": True}
    assert again.headers["X-Switchboard-Position"] == answered.headers["X-Switchboard-Position"]
    assert state(client, call)["version"] == 2
    assert stored_event_count(container) == count + 1
    reused = command(client, call, "answer", {"agent_id": other_agent}, headers=answer_key)
    assert assert_problem(reused, 422)["title"] == "Idempotency-Key reused"
    assert stored_event_count(container) == count + 1


def test_outbound_marketing_needs_consent(client: TestClient, container: Container) -> None:
    ada = register_customer(client)
    marketing_call = {**CALL, "direction": "outbound", "customer_id": ada, "purpose": "marketing_call"}
    before = stored_event_count(container)
    refused = assert_problem(client.post(f"{BASE}/calls", json=marketing_call), 409)
    assert refused["error"] == "ConsentMissing"
    assert "marketing_call on channel phone" in refused["detail"]
    email = {**EMAIL, "direction": "outbound", "customer_id": ada, "purpose": "marketing_email"}
    refused_email = assert_problem(client.post(BASE, json=email), 409)
    assert "marketing_email on channel email" in refused_email["detail"]
    no_customer = {**CALL, "direction": "outbound", "purpose": "marketing_call"}
    assert assert_problem(client.post(f"{BASE}/calls", json=no_customer), 422)["field"] == "customer_id"
    inbound = {**CALL, "customer_id": ada, "purpose": "marketing_call"}
    assert assert_problem(client.post(f"{BASE}/calls", json=inbound), 422)["field"] == "purpose"
    visit = {"channel": "visit", "direction": "outbound", "customer_id": ada,
             "purpose": "marketing_call"}
    assert assert_problem(client.post(BASE, json=visit), 422)["field"] == "purpose"
    assert stored_event_count(container) == before

    service = {**marketing_call, "purpose": "service_contact"}
    assert client.post(f"{BASE}/calls", json=service).status_code == 201
    consent = {"channel": "phone", "purpose": "marketing_call", "granted": True, "source": "web form"}
    assert client.post(f"/api/v1/customers/{ada}/consents", json=consent).status_code == 200
    allowed = client.post(f"{BASE}/calls", json=marketing_call)
    assert allowed.status_code == 201, allowed.text
    assert state(client, allowed.json()["id"])["customer_id"] == ada
    assert_problem(client.post(BASE, json=email), 409)


def test_an_agent_a_command_names_must_exist_and_still_work_here(
        client: TestClient, container: Container, agent: str, other_agent: str) -> None:
    call = ring(client)
    customer = register_customer(client)
    gone = client.post(f"/api/v1/agents/{other_agent}/deactivate")
    assert gone.status_code == 200, gone.text
    before = stored_event_count(container)
    for response, status in (
            (command(client, call, "answer", {"agent_id": str(uuid4())}), 404),
            (command(client, call, "answer", {"agent_id": other_agent}), 409),
            (client.post(f"{BASE}/calls", json={**CALL, "agent_id": str(uuid4())}), 404),
            (client.post(BASE, json={**EMAIL, "customer_id": customer, "agent_id": other_agent}), 409),
            (client.post(f"{BASE}/batch", json={"items": [{**EMAIL, "agent_id": agent},
                                                          {**EMAIL, "agent_id": str(uuid4())}]}), 404)):
        assert_problem(response, status)
    assert stored_event_count(container) == before
    assert command(client, call, "answer", {"agent_id": agent}).status_code == 200
    assert_problem(command(client, call, "transfer", {"to_agent_id": other_agent}), 409)
    assert stored_event_count(container) == before + 1


def test_new_contacts_and_cases_name_a_current_customer(client: TestClient, container: Container) -> None:
    survivor, duplicate = register_customer(client), register_customer(client)
    merged = client.post(f"/api/v1/customers/{duplicate}/merge", json={"survivor_id": survivor})
    assert merged.status_code == 200, merged.text
    call = ring(client)
    before = stored_event_count(container)
    case = {"kind": "service_request", "category": "delivery", "summary": "parcel", "customer_id": duplicate,
            "first_response_minutes": 30, "resolution_minutes": 240}
    for response in (client.post(BASE, json={**EMAIL, "customer_id": duplicate}),
                     client.post(f"{BASE}/calls", json={**CALL, "customer_id": duplicate}),
                     command(client, call, "link", {"customer_id": duplicate}),
                     client.post("/api/v1/cases", json=case)):
        problem = assert_problem(response, 409)
        assert survivor in problem["detail"], problem  # where the contact belongs instead
        assert problem["field"] == "customer_id"
    assert stored_event_count(container) == before
    assert command(client, call, "link", {"customer_id": survivor}).status_code == 200
