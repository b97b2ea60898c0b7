"""Case commands through the HTTP API on the real PostgreSQL event store."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from contact_center.bootstrap import Container
from tests.integration.case_requests import NOBODY, complaint, new_agent, new_customer, open_case
from tests.integration.event_counts import stored_event_count


def test_open_returns_location_deadlines_and_sla(client: TestClient) -> None:
    customer = new_customer(client)
    response = client.post("/api/v1/cases", json=complaint(customer))
    assert response.status_code == 201
    body = response.json()
    assert body["version"] == 1
    assert response.headers["ETag"] == '"1"'
    assert int(response.headers["X-Switchboard-Position"]) == body["position"]
    assert response.headers["Location"] == f"/api/v1/cases/{body['id']}"
    case = client.get(response.headers["Location"])
    assert case.headers["ETag"] == '"1"'
    state = case.json()
    assert (state["kind"], state["status"], state["priority"]) == ("complaint", "open", "high")
    assert state["customer_id"] == customer
    opened = datetime.fromisoformat(state["opened_at"])
    assert datetime.fromisoformat(state["first_response_due"]) == opened + timedelta(minutes=60)
    assert datetime.fromisoformat(state["resolution_due"]) == opened + timedelta(minutes=480)
    assert state["sla"] == {"response": "ok", "resolution": "ok"}
    assert state["assignee"] is None
    assert state["origin_interaction_id"] is None


def test_complaint_lifecycle(client: TestClient) -> None:
    customer, agent = new_customer(client), new_agent(client)
    case = open_case(client, complaint(customer))
    base = f"/api/v1/cases/{case}"
    steps: list[tuple[str, dict[str, Any] | None, str]] = [
        ("assign", {"agent_id": agent}, "open"),
        ("escalate", {"level": 1, "reason": "customer threatens to leave"}, "open"),
        ("first-response", None, "open"),
        ("notes", {"note": "refund requested from billing"}, "open"),
        ("pending", {"reason": "waiting for billing"}, "pending"),
        ("resume", None, "open"),
        ("resolve", {"resolution_code": "refunded", "first_contact_resolution": True}, "resolved"),
        ("satisfaction", {"score": 4}, "resolved"),
        ("close", None, "closed"),
        ("reopen", {"reason": "refund never arrived"}, "open"),
        ("resolve", {"resolution_code": "refund_resent", "first_contact_resolution": False},
         "resolved"),
        ("close", None, "closed"),
    ]
    positions = []
    for version, (command, body, status) in enumerate(steps, start=2):
        response = client.post(f"{base}/{command}", json=body)
        assert response.status_code == 200, (command, response.text)
        assert response.json()["version"] == version
        assert response.headers["ETag"] == f'"{version}"'
        positions.append(int(response.headers["X-Switchboard-Position"]))
        assert client.get(base).json()["status"] == status, command
    assert positions == sorted(positions)
    state = client.get(base).json()
    assert state["assignee"] == agent
    assert state["escalation_level"] == 1
    assert state["notes"] == ["refund requested from billing"]
    assert state["reopen_count"] == 1
    assert (state["resolution_code"], state["first_contact_resolution"]) == ("refund_resent", False)
    assert state["satisfaction_score"] is None  # cleared by the reopening
    assert state["first_responded_at"] is not None
    assert state["closed_at"] is not None
    assert state["sla"] == {"response": "met", "resolution": "met"}


def test_service_request_commands(client: TestClient) -> None:
    customer, grace, alan = new_customer(client), new_agent(client), new_agent(client, "alan")
    origin = "5f0c7a4e-3b1d-4c8e-9a6f-2d7b8e1c0a93"
    case = open_case(client, complaint(customer, kind="service_request", priority="low",
                                       origin_interaction_id=origin))
    base = f"/api/v1/cases/{case}"
    assert client.post(f"{base}/assign", json={"agent_id": grace}).status_code == 200
    assert client.post(f"{base}/assign", json={"agent_id": alan}).status_code == 200
    answer = "0b7e3c1a-9d2f-4e6b-8a5c-1f3d7e9b2c40"
    assert client.post(f"{base}/first-response", json={"interaction_id": answer}).status_code == 200
    assert client.post(f"{base}/notes", json={"note": "first"}).status_code == 200
    assert client.post(f"{base}/notes", json={"note": "second"}).status_code == 200
    assert client.post(f"{base}/escalate", json={"level": 2, "reason": "needs a specialist"}
                       ).status_code == 200
    assert client.post(f"{base}/resolve", json={"resolution_code": "done",
                                                 "first_contact_resolution": False}).status_code == 200
    assert client.post(f"{base}/satisfaction", json={"score": 5}).status_code == 200
    state = client.get(base).json()
    assert (state["kind"], state["priority"]) == ("service_request", "low")
    assert state["origin_interaction_id"] == origin
    assert state["assignee"] == alan
    assert state["notes"] == ["first", "second"]
    assert state["escalation_level"] == 2
    assert state["satisfaction_score"] == 5
    assert state["version"] == 9


def test_closed_case_cannot_be_assigned(client: TestClient, container: Container) -> None:
    customer, agent = new_customer(client), new_agent(client)
    base = f"/api/v1/cases/{open_case(client, complaint(customer))}"
    client.post(f"{base}/resolve", json={"resolution_code": "x", "first_contact_resolution": True})
    assert client.post(f"{base}/close").status_code == 200
    before = stored_event_count(container)
    response = client.post(f"{base}/assign", json={"agent_id": agent})
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert (problem["error"], problem["field"]) == ("InvalidTransition", "status")
    assert "closed" in problem["detail"]
    assert stored_event_count(container) == before


def test_satisfaction_rules(client: TestClient, container: Container) -> None:
    customer = new_customer(client)
    base = f"/api/v1/cases/{open_case(client, complaint(customer))}"
    before = stored_event_count(container)
    on_open = client.post(f"{base}/satisfaction", json={"score": 3})
    assert on_open.status_code == 409
    assert on_open.json()["error"] == "InvalidTransition"
    for score in (0, 6, True, "3"):
        out_of_range = client.post(f"{base}/satisfaction", json={"score": score})
        assert out_of_range.status_code == 422, score
        assert out_of_range.json()["errors"][0]["field"] == "score"
        assert out_of_range.json()["detail"].startswith("score:")
    assert stored_event_count(container) == before
    client.post(f"{base}/resolve", json={"resolution_code": "x", "first_contact_resolution": True})
    assert client.post(f"{base}/satisfaction", json={"score": 1}).status_code == 200
    count = stored_event_count(container)
    again = client.post(f"{base}/satisfaction", json={"score": 5})
    assert again.status_code == 409
    assert again.json()["field"] == "score"
    assert stored_event_count(container) == count


def test_errors_are_problems_and_store_nothing(client: TestClient, container: Container) -> None:
    customer, agent, gone = new_customer(client), new_agent(client), new_agent(client, "gone")
    assert client.post(f"/api/v1/agents/{gone}/deactivate").status_code == 200
    case = open_case(client, complaint(customer))
    client.post(f"/api/v1/cases/{case}/escalate", json={"level": 2, "reason": "loud"})
    before = stored_event_count(container)
    requests: list[tuple[str, str, Any, int, str | None]] = [
        ("post", "/api/v1/cases", complaint(NOBODY), 404, None),
        ("post", "/api/v1/cases", complaint(agent), 404, None),  # an agent is no customer
        ("post", "/api/v1/cases", complaint(customer, priority="critical"), 422, "priority"),
        ("post", "/api/v1/cases", complaint(customer, kind="praise"), 422, "kind"),
        ("post", "/api/v1/cases", complaint(customer, colour="red"), 422, "colour"),
        ("post", "/api/v1/cases", complaint(customer, summary="x" * 2001), 422, "summary"),
        ("post", "/api/v1/cases", complaint(customer, first_response_minutes=0), 422,
         "first_response_minutes"),
        ("post", "/api/v1/cases", complaint(customer, resolution_minutes=30), 422, "resolution_minutes"),
        ("post", "/api/v1/cases", complaint(customer, category="   "), 422, "category"),
        ("post", f"/api/v1/cases/{NOBODY}/assign", {"agent_id": agent}, 404, None),
        ("post", f"/api/v1/cases/{customer}/assign", {"agent_id": agent}, 404, None),
        ("post", f"/api/v1/cases/{case}/assign", {"agent_id": NOBODY}, 404, None),
        ("post", f"/api/v1/cases/{case}/assign", {"agent_id": customer}, 404, None),
        ("post", f"/api/v1/cases/{case}/assign", {"agent_id": gone}, 409, "agent_id"),  # deactivated
        ("post", f"/api/v1/cases/{case}/escalate", {"level": 2, "reason": "again"}, 409, "level"),
        ("post", f"/api/v1/cases/{case}/escalate", {"level": 0, "reason": "down"}, 422, "level"),
        ("post", f"/api/v1/cases/{case}/resume", None, 409, "status"),
        ("post", f"/api/v1/cases/{case}/close", None, 409, "status"),
        ("post", f"/api/v1/cases/{case}/reopen", {"reason": "why"}, 409, "status"),
        ("post", f"/api/v1/cases/{case}/notes", {"note": ""}, 422, "note"),
        ("post", f"/api/v1/cases/{case}/resolve", {"resolution_code": "x"}, 422,
         "first_contact_resolution"),
        ("get", f"/api/v1/cases/{NOBODY}", None, 404, None),
        ("get", "/api/v1/cases/not-a-uuid", None, 422, "case_id"),
    ]
    for method, url, body, status, field in requests:
        response = client.request(method, url, json=body)
        assert response.status_code == status, (url, body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["status"] == status
        assert problem["detail"]
        if field is not None:
            fields = [problem.get("field")] + [e["field"] for e in problem.get("errors", [])]
            assert any(f is not None and f.endswith(field) for f in fields), (url, problem)
    malformed = client.post("/api/v1/cases", content=b'{"kind": "complaint", ',
                            headers={"content-type": "application/json"})
    assert malformed.status_code == 400
    assert malformed.json()["title"] == "Malformed JSON"
    stale = client.post(f"/api/v1/cases/{case}/notes", json={"note": "late"},
                        headers={"If-Match": '"1"'})
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 2
    assert stored_event_count(container) == before


def test_two_writers_with_one_if_match(client: TestClient, container: Container) -> None:
    base = f"/api/v1/cases/{open_case(client, complaint(new_customer(client)))}"
    before = stored_event_count(container)

    def write(note: str) -> int:
        response = client.post(f"{base}/notes", json={"note": note}, headers={"If-Match": '"1"'})
        return int(response.status_code)

    with ThreadPoolExecutor(2) as pool:
        statuses = sorted(pool.map(write, ["writer one", "writer two"]))
    assert statuses == [200, 409]
    assert client.get(base).json()["version"] == 2
    assert stored_event_count(container) == before + 1


def test_idempotent_retry_stores_one_event(client: TestClient, container: Container) -> None:
    body, headers = complaint(new_customer(client)), {"Idempotency-Key": "open-complaint-1"}
    first = client.post("/api/v1/cases", json=body, headers=headers)
    count = stored_event_count(container)
    second = client.post("/api/v1/cases", json=body, headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json() == {**first.json(), "replayed": True}
    assert second.headers["X-Switchboard-Position"] == first.headers["X-Switchboard-Position"]
    assert stored_event_count(container) == count
    note_url = f"/api/v1/cases/{first.json()['id']}/notes"
    note = {"Idempotency-Key": "note-1"}
    noted = client.post(note_url, json={"note": "called back"}, headers=note)
    retried = client.post(note_url, json={"note": "called back"}, headers=note)
    assert retried.json() == {**noted.json(), "replayed": True}
    assert stored_event_count(container) == count + 1
    reused = client.post(note_url, json={"note": "something else"}, headers=note)
    assert reused.status_code == 422
    assert stored_event_count(container) == count + 1
