"""Agent commands through the HTTP API on the real PostgreSQL event store."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import UUID

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import sql

from contact_center.bootstrap import Container
from contact_center.commands import CommandContext
from domain.errors import AlreadyPresent
from tests.integration.event_counts import stored_event_count

NOBODY = "00000000-0000-0000-0000-000000000000"
GRACE = {"display_name": "Grace Hopper", "login": "ghopper", "team": "billing",
         "extensions": ["1001", " SIP/1001 "], "skills": ["billing", "german"]}


def onboard(client: TestClient, body: dict[str, Any] | None = None) -> str:
    response = client.post("/api/v1/agents", json=body or GRACE)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_onboard_returns_location_and_a_new_offline_agent(client: TestClient) -> None:
    response = client.post("/api/v1/agents", json=GRACE)
    assert response.status_code == 201
    body = response.json()
    assert body["version"] == 1
    assert response.headers["ETag"] == '"1"'
    assert int(response.headers["X-Switchboard-Position"]) == body["position"]
    agent = client.get(response.headers["Location"])
    assert agent.headers["ETag"] == '"1"'
    state = agent.json()
    assert state["display_name"] == "Grace Hopper"
    assert state["login"] == "ghopper"
    assert state["extensions"] == ["1001", "SIP/1001"]
    assert state["skills"] == ["billing", "german"]
    assert (state["presence"], state["leaderboard_consent"], state["active"]) == ("offline", False, True)


def test_every_agent_command(client: TestClient) -> None:
    base = f"/api/v1/agents/{onboard(client)}"
    commands: list[tuple[str, str, dict[str, Any] | None]] = [
        ("put", "presence", {"presence": "available"}),
        ("post", "rename", {"display_name": "Rear Admiral Hopper"}),
        ("post", "extensions", {"extension": "*45"}),
        ("post", "extensions/remove", {"extension": "1001"}),
        ("post", "team", {"team": "complaints"}),
        ("post", "skills", {"skill": "french"}),
        ("post", "skills/remove", {"skill": "german"}),
        ("post", "leaderboard-consent", {"granted": True}),
        ("put", "presence", {"presence": "wrap_up"}),
    ]
    for version, (method, command, body) in enumerate(commands, start=2):
        response = client.request(method, f"{base}/{command}", json=body)
        assert response.status_code == 200, (command, response.text)
        assert response.json()["version"] == version
        assert response.json()["position"] is not None
    state = client.get(base).json()
    assert state["display_name"] == "Rear Admiral Hopper"
    assert state["extensions"] == ["SIP/1001", "*45"]
    assert state["team"] == "complaints"
    assert state["skills"] == ["billing", "french"]
    assert (state["presence"], state["leaderboard_consent"]) == ("wrap_up", True)
    assert client.post(f"{base}/leaderboard-consent", json={"granted": False}).status_code == 200
    assert client.post(f"{base}/team", json={"team": None}).status_code == 200
    state = client.get(base).json()
    assert (state["team"], state["leaderboard_consent"], state["version"]) == (None, False, 12)
    assert client.post(f"{base}/deactivate").status_code == 200
    state = client.get(base).json()
    assert (state["active"], state["presence"]) == (False, "offline")


def test_repeating_the_current_state_stores_nothing(client: TestClient, container: Container) -> None:
    base = f"/api/v1/agents/{onboard(client)}"
    changed = client.put(f"{base}/presence", json={"presence": "busy"})
    assert changed.json()["version"] == 2
    before = stored_event_count(container)
    repeats: list[tuple[str, str, dict[str, Any]]] = [
        ("put", "presence", {"presence": "busy"}),
        ("post", "rename", {"display_name": "Grace Hopper"}),
        ("post", "team", {"team": "billing"}),
        ("post", "leaderboard-consent", {"granted": False}),
    ]
    for method, command, body in repeats:
        response = client.request(method, f"{base}/{command}", json=body)
        assert response.status_code == 200, (command, response.text)
        assert response.json() == {"id": base.rsplit("/", 1)[1], "version": 2, "position": None,
                                   "replayed": False}
        assert response.headers["ETag"] == '"2"'
        assert "X-Switchboard-Position" not in response.headers
    assert stored_event_count(container) == before
    assert client.get(base).json()["presence"] == "busy"


def test_deactivated_agent_rejects_writes(client: TestClient, container: Container) -> None:
    base = f"/api/v1/agents/{onboard(client)}"
    assert client.post(f"{base}/deactivate").status_code == 200
    before = stored_event_count(container)
    writes: list[tuple[str, str, dict[str, Any] | None]] = [
        ("put", "presence", {"presence": "available"}),
        ("put", "presence", {"presence": "offline"}),  # even the one it already has
        ("post", "rename", {"display_name": "Someone"}),
        ("post", "extensions", {"extension": "2002"}),
        ("post", "skills/remove", {"skill": "billing"}),
        ("post", "team", {"team": "sales"}),
        ("post", "leaderboard-consent", {"granted": True}),
        ("post", "deactivate", None),
    ]
    for method, command, body in writes:
        response = client.request(method, f"{base}/{command}", json=body)
        assert response.status_code == 409, (command, response.text)
        assert response.json()["error"] == "AgentInactive"
    assert stored_event_count(container) == before


def test_errors_are_problems_and_store_nothing(client: TestClient, container: Container) -> None:
    base = f"/api/v1/agents/{onboard(client)}"
    before = stored_event_count(container)
    requests: list[tuple[str, str, Any, int, str | None]] = [
        ("put", f"/api/v1/agents/{NOBODY}/presence", {"presence": "busy"}, 404, None),
        ("get", f"/api/v1/agents/{NOBODY}", None, 404, None),
        ("put", f"{base}/presence", {"presence": "asleep"}, 422, "presence"),
        ("post", "/api/v1/agents", {**GRACE, "salary": 1}, 422, "salary"),
        ("post", "/api/v1/agents", {**GRACE, "login": ""}, 422, "login"),
        ("post", "/api/v1/agents", {**GRACE, "display_name": "  "}, 422, "display_name"),
        ("post", "/api/v1/agents", {**GRACE, "extensions": ["10 01"]}, 422, "extension"),
        ("post", "/api/v1/agents", {**GRACE, "skills": ["x" * 101]}, 422, "skills.0"),
        ("post", f"{base}/extensions", {"extension": "1001"}, 409, "extension"),
        ("post", f"{base}/extensions/remove", {"extension": "9999"}, 409, "extension"),
        ("post", f"{base}/skills", {"skill": "billing"}, 409, "skill"),
        ("post", f"{base}/skills/remove", {"skill": "latin"}, 409, "skill"),
        ("post", f"{base}/leaderboard-consent", {"granted": "yes"}, 422, "granted"),
    ]
    for method, url, body, status, field in requests:
        response = client.request(method, url, json=body)
        assert response.status_code == status, (url, body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["status"] == status
        if field is not None:
            fields = [problem.get("field")] + [e["field"] for e in problem.get("errors", [])]
            assert any(f is not None and f.endswith(field) for f in fields), (url, problem)
    malformed = client.put(f"{base}/presence", content=b'{"presence": busy}',
                           headers={"content-type": "application/json"})
    assert malformed.status_code == 400
    stale = client.put(f"{base}/presence", json={"presence": "busy"}, headers={"If-Match": '"7"'})
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 1
    assert stored_event_count(container) == before


def test_two_writers_with_one_if_match(client: TestClient, container: Container) -> None:
    base = f"/api/v1/agents/{onboard(client)}"

    def write(presence: str) -> int:
        response = client.put(f"{base}/presence", json={"presence": presence},
                              headers={"If-Match": '"1"'})
        return int(response.status_code)

    with ThreadPoolExecutor(2) as pool:
        statuses = sorted(pool.map(write, ["available", "away"]))
    assert statuses == [200, 409]
    assert client.get(base).json()["version"] == 2


def test_idempotent_onboarding_stores_one_event(client: TestClient, container: Container) -> None:
    headers = {"Idempotency-Key": "onboard-grace"}
    first = client.post("/api/v1/agents", json=GRACE, headers=headers)
    count = stored_event_count(container)
    second = client.post("/api/v1/agents", json=GRACE, headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json() == {**first.json(), "replayed": True}
    assert stored_event_count(container) == count


def test_a_login_or_an_extension_names_one_agent(client: TestClient, container: Container) -> None:
    grace = onboard(client)
    before = stored_event_count(container)
    for body, field in (({**GRACE, "login": "GHopper", "extensions": ["2001"]}, "login"),
                        ({**GRACE, "login": "alan", "extensions": ["2001", "SIP/1001"]}, "extensions")):
        taken = client.post("/api/v1/agents", json=body)
        assert taken.status_code == 409, taken.text
        assert (taken.json()["field"], grace in taken.json()["detail"]) == (field, True)
    assert stored_event_count(container) == before
    # A refused or failed onboarding holds nothing: the same login and extension go through next.
    invalid = {"display_name": "Alan Turing", "login": "alan", "extensions": ["2001", "20 02"]}
    assert client.post("/api/v1/agents", json=invalid).status_code == 422
    alan = onboard(client, {"display_name": "Alan Turing", "login": "alan", "extensions": ["2001"]})
    assert client.post(f"/api/v1/agents/{alan}/extensions", json={"extension": "1001"}).status_code == 409

    # What an agent gives up (an extension removed, everything once deactivated) is free again.
    removed = client.post(f"/api/v1/agents/{grace}/extensions/remove", json={"extension": "1001"})
    assert removed.status_code == 200
    assert client.post(f"/api/v1/agents/{alan}/extensions", json={"extension": "1001"}).status_code == 200
    assert client.post(f"/api/v1/agents/{grace}/deactivate").status_code == 200
    successor = onboard(client, {"display_name": "Grace B. Hopper", "login": "ghopper",
                                 "extensions": ["SIP/1001"]})
    assert client.get(f"/api/v1/agents/{successor}").json()["login"] == "ghopper"


def test_agents_onboarded_before_handles_were_kept_are_claimed_on_the_next_start(
        container: Container) -> None:
    claims = container.agents.claims
    first = onboard_directly(container, "ghopper", "1001")
    with psycopg.connect(container.endpoints.database_url) as conn:  # as before handles were kept
        conn.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(container.settings.db_schema,
                                                                     "agent_handles")))
    claims.fill_in()
    with pytest.raises(AlreadyPresent, match=str(first)):
        onboard_directly(container, "GHOPPER", "3001")
    with pytest.raises(AlreadyPresent, match=str(first)):
        onboard_directly(container, "alan", "1001")


def onboard_directly(container: Container, login: str, extension: str) -> UUID:
    return container.agents.onboard(CommandContext(actor="test"), login.title(), login, None, [extension]).id
