"""Customer commands through the HTTP API on the real PostgreSQL event store."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi.testclient import TestClient

from contact_center.bootstrap import Container
from contact_center.roles import Role
from tests.conftest import AuthHeaders
from tests.integration.event_counts import stored_event_count

ADA = {"display_name": "Ada Lovelace", "given_name": "Ada", "family_name": "Lovelace",
       "identities": [{"kind": "phone", "value": "030 5557 1600"},
                      {"kind": "email", "value": "Ada@Example.ORG"}]}


def register(client: TestClient, body: dict[str, Any] | None = None) -> str:
    response = client.post("/api/v1/customers", json=body or ADA)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_register_returns_version_position_and_location(client: TestClient) -> None:
    response = client.post("/api/v1/customers", json=ADA)
    assert response.status_code == 201
    body = response.json()
    assert body["version"] == 3  # registered + two identities, one transaction
    assert int(response.headers["X-Switchboard-Position"]) == body["position"] >= 3
    assert response.headers["ETag"] == '"3"'
    customer = client.get(response.headers["Location"]).json()
    assert [i["value"] for i in customer["identities"]] == ["+493055571600", "ada@example.org"]
    assert customer["display_name"] == "Ada Lovelace"


def test_every_customer_command(client: TestClient) -> None:
    ada = register(client)
    org = register(client, {"kind": "organisation", "display_name": "Analytical Engines Ltd",
                            "organisation_name": "Analytical Engines Ltd"})
    base = f"/api/v1/customers/{ada}"
    assert client.put(f"{base}/details", json={"display_name": "Countess Lovelace",
                                               "birth_date": "1815-12-10"}).status_code == 200
    assert client.post(f"{base}/identities", json={"kind": "social", "value": "@ada",
                                                   "scope": "mastodon"}).status_code == 200
    assert client.post(f"{base}/identities/remove",
                       json={"kind": "email", "value": "ada@example.org"}).status_code == 200
    consent = {"channel": "phone", "purpose": "marketing_call", "granted": True, "source": "web form"}
    assert client.post(f"{base}/consents", json=consent).status_code == 200
    dup = register(client, {"display_name": "A. Lovelace"})
    merged = client.post(f"/api/v1/customers/{dup}/merge", json={"survivor_id": ada})
    assert merged.status_code == 200
    assert client.get(f"/api/v1/customers/{dup}").json()["merged_into"] == ada
    assert client.get(base).json()["absorbed_ids"] == [dup]
    assert client.post(f"/api/v1/customers/{dup}/unmerge").status_code == 200
    assert client.get(base).json()["absorbed_ids"] == []
    state = client.get(base).json()
    assert state["display_name"] == "Countess Lovelace"
    assert state["birth_date"] == "1815-12-10"
    assert {(i["kind"], i["value"]) for i in state["identities"]} == {
        ("phone", "+493055571600"), ("social", "ada")}
    assert state["consents"][0]["purpose"] == "marketing_call"
    assert client.get(f"/api/v1/customers/{org}").json()["kind"] == "organisation"


def test_errors_are_problems_and_store_nothing(client: TestClient, container: Container) -> None:
    ada = register(client)
    before = stored_event_count(container)
    cases: list[tuple[str, str, Any, int]] = [
        ("post", "/api/v1/customers", {"display_name": "x", "identities": [
            {"kind": "phone", "value": "12"}]}, 422),
        ("post", "/api/v1/customers", {"display_name": "x", "shoe_size": 44}, 422),
        ("post", "/api/v1/customers", {"display_name": ""}, 422),
        ("post", f"/api/v1/customers/{ada}/merge", {"survivor_id": ada}, 409),
        ("post", f"/api/v1/customers/{ada}/identities", {"kind": "phone", "value": "+49 30 55571600"}, 409),
        ("post", f"/api/v1/customers/{ada}/identities/remove", {"kind": "email", "value": "no@x.org"}, 409),
        ("post", "/api/v1/customers/00000000-0000-0000-0000-000000000000/consents",
         {"channel": "email", "purpose": "marketing_email", "granted": True, "source": "x"}, 404),
        ("post", f"/api/v1/customers/{ada}/unmerge", None, 409),
        ("post", f"/api/v1/customers/{ada}/consents",
         {"channel": "email", "purpose": "marketing_email", "granted": "yes", "source": "x"}, 422),
        ("post", f"/api/v1/customers/{ada}/consents",
         {"channel": "email", "purpose": "marketing_email", "granted": 1, "source": "x"}, 422),
        ("post", "/api/v1/customers", {"display_name": "x", "birth_date": 0}, 422),
        # Text PostgreSQL cannot store (NUL) or UTF-8 cannot hold (a lone surrogate):
        ("post", "/api/v1/customers", {"display_name": "Ada\u0000Lovelace"}, 422),
        ("put", f"/api/v1/customers/{ada}/details", {"display_name": "Ada\u0000"}, 422),
        ("post", f"/api/v1/customers/{ada}/consents",
         {"channel": "email", "purpose": "marketing_email", "granted": True, "source": "web\u0000"}, 422),
    ]
    for method, url, body, status in cases:
        response = client.request(method, url, json=body)
        assert response.status_code == status, (url, body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["status"] == status
        assert problem["detail"]
        assert "Traceback" not in response.text
    invalid = client.post("/api/v1/customers", json={"display_name": "x", "identities": [
        {"kind": "phone", "value": "12"}]}).json()
    assert invalid["field"] == "phone"
    malformed = client.post("/api/v1/customers", content=b'{"display_name": ',
                            headers={"content-type": "application/json"})
    assert malformed.status_code == 400
    assert malformed.json()["title"] == "Malformed JSON"
    oversized = client.post("/api/v1/customers", content=b"{" + b" " * 1_100_000 + b"}",
                            headers={"content-type": "application/json"})
    assert oversized.status_code == 413
    chunked = client.post("/api/v1/customers", content=iter([b"{", b" " * 1_100_000, b"}"]),
                          headers={"content-type": "application/json"})  # no Content-Length
    assert chunked.status_code == 413, chunked.text
    assert chunked.json()["title"] == "Payload too large"
    assert client.get("/api/v1/customers/not-a-uuid").status_code == 422
    surrogate = client.put(f"/api/v1/customers/{ada}/details", content=rb'{"display_name": "Ada\ud800"}',
                           headers={"content-type": "application/json"})
    assert surrogate.status_code == 422, surrogate.text
    assert surrogate.json()["errors"][0]["field"] == "display_name"
    assert stored_event_count(container) == before


def test_if_match_conflict_and_two_concurrent_writers(client: TestClient, container: Container) -> None:
    ada = register(client)
    url = f"/api/v1/customers/{ada}/details"
    stale = client.put(url, json={"display_name": "x"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 3

    def write(name: str) -> int:
        response = client.put(url, json={"display_name": name}, headers={"If-Match": '"3"'})
        return int(response.status_code)

    with ThreadPoolExecutor(2) as pool:
        statuses = sorted(pool.map(write, ["Writer One", "Writer Two"]))
    assert statuses == [200, 409]
    assert client.get(f"/api/v1/customers/{ada}").json()["version"] == 4


def test_idempotent_retry_stores_one_event(client: TestClient, container: Container) -> None:
    headers = {"Idempotency-Key": "register-ada-1"}
    first = client.post("/api/v1/customers", json=ADA, headers=headers)
    count = stored_event_count(container)
    second = client.post("/api/v1/customers", json=ADA, headers=headers)
    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json() == {**first.json(), "replayed": True}
    assert second.headers["X-Switchboard-Position"] == first.headers["X-Switchboard-Position"]
    assert stored_event_count(container) == count
    reused = client.post("/api/v1/customers", json={**ADA, "display_name": "Someone Else"},
                         headers=headers)
    assert reused.status_code == 422
    assert stored_event_count(container) == count


def test_a_key_is_its_senders_own(client: TestClient, container: Container,
                                  auth_headers: AuthHeaders) -> None:
    key = {"Idempotency-Key": "new-customer-1"}
    agent = {**auth_headers(Role.AGENT), **key}
    mine = client.post("/api/v1/customers", json=ADA, headers=agent)
    assert mine.status_code == 201, mine.text
    count = stored_event_count(container)
    theirs = client.post("/api/v1/customers", json=ADA, headers={**auth_headers(Role.SUPERVISOR), **key})
    assert theirs.status_code == 201, theirs.text  # not the agent's customer, replayed
    assert theirs.json()["id"] != mine.json()["id"]
    assert stored_event_count(container) > count
    other = client.post("/api/v1/customers", json={**ADA, "display_name": "Someone Else"},
                        headers={**auth_headers(Role.ADMIN), **key})
    assert other.status_code == 201, other.text  # not refused as the agent's key reused
    again = client.post("/api/v1/customers", json=ADA, headers=agent)
    assert (again.status_code, again.json()["id"], again.json()["replayed"]) == (200, mine.json()["id"], True)


def test_concurrent_retries_with_one_key_store_once(client: TestClient, container: Container) -> None:
    ada = register(client)
    before = stored_event_count(container)
    consent = {"channel": "email", "purpose": "marketing_email", "granted": True, "source": "form"}

    def send(_: int) -> dict[str, Any]:
        response = client.post(f"/api/v1/customers/{ada}/consents", json=consent,
                               headers={"Idempotency-Key": "consent-once"})
        assert response.status_code == 200, response.text
        return dict(response.json())

    with ThreadPoolExecutor(4) as pool:
        bodies = list(pool.map(send, range(4)))
    assert len({b["position"] for b in bodies}) == 1
    assert stored_event_count(container) == before + 1
