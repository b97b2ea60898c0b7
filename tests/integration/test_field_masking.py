"""Field masking per role: the same customer and call read by each role show what that role
may see, hidden fields answered as null or empty (docs/users-and-roles.md)."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from fastapi.testclient import TestClient

from contact_center.roles import ALL_ROLES, Role
from tests.conftest import AuthHeaders
from tests.integration.case_requests import new_agent

ADDRESS = {"street": "12 St James's Square", "postal_code": "SW1Y 4LB", "city": "London", "country": "GB"}


def created(response: Any) -> str:
    assert response.status_code in (200, 201), response.text
    return str(response.json()["id"])


def read_as(client: TestClient, path: str, headers: dict[str, str]) -> dict[str, Any]:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_each_role_sees_the_fields_it_may(client: TestClient, auth_headers: AuthHeaders) -> None:
    ada = created(client.post("/api/v1/customers", json={
        "display_name": "Ada Lovelace", "given_name": "Ada", "family_name": "Lovelace",
        "birth_date": "1815-12-10", "address": ADDRESS,
        "identities": [{"kind": "phone", "value": "+442079460000"}]}))
    call = created(client.post("/api/v1/interactions/calls", json={
        "direction": "inbound", "from_number": "+442079460000", "to_number": "+4930123456",
        "customer_id": ada}))
    answering = new_agent(client, f"agent-{uuid4().hex[:8]}")
    for action, body in (("answer", {"agent_id": answering}), ("end", None),
                         ("recording", {"reference": "rec-1815"}),
                         ("notes", {"note": "asked about the analytical engine"})):
        created(client.post(f"/api/v1/interactions/{call}/{action}", json=body))

    customers = {role: read_as(client, f"/api/v1/customers/{ada}", auth_headers(role)) for role in ALL_ROLES}
    calls = {role: read_as(client, f"/api/v1/interactions/{call}", auth_headers(role)) for role in ALL_ROLES}

    for role in (Role.AUDITOR, Role.ADMIN, Role.INTEGRATION):
        assert customers[role]["birth_date"] == "1815-12-10"
        assert customers[role]["address"] == ADDRESS
        assert calls[role]["recording_references"] == ["rec-1815"]
    agent, supervisor = customers[Role.AGENT], customers[Role.SUPERVISOR]
    assert (agent["birth_date"], agent["address"]) == (None, ADDRESS)  # a pop needs no birth date
    assert (supervisor["birth_date"], supervisor["address"]) == (None, None)
    for role in (Role.AGENT, Role.SUPERVISOR):
        # what a pop needs stays: name, identities, consents, the call and its notes
        assert customers[role]["display_name"] == "Ada Lovelace"
        assert customers[role]["identities"] == customers[Role.ADMIN]["identities"]
        assert calls[role]["recording_references"] == []
        assert calls[role]["notes"] == ["asked about the analytical engine"]
    unmasked = {key for key in customers[Role.ADMIN] if customers[Role.ADMIN][key] != agent[key]}
    assert unmasked == {"birth_date"}


def test_a_role_writes_back_what_it_read_without_losing_what_it_cannot_see(
        client: TestClient, auth_headers: AuthHeaders) -> None:
    ada = created(client.post("/api/v1/customers", json={
        "display_name": "Ada Lovelace", "family_name": "Lovelace", "birth_date": "1815-12-10",
        "address": ADDRESS}))
    path = f"/api/v1/customers/{ada}"
    editable = ("display_name", "given_name", "family_name", "organisation_name", "birth_date", "address")
    for role, family in ((Role.SUPERVISOR, "King"), (Role.AGENT, "Byron")):
        seen = read_as(client, path, auth_headers(role))  # the hidden fields read as null
        back = {name: seen[name] for name in editable} | {"family_name": family}
        response = client.put(f"{path}/details", json=back, headers=auth_headers(role))
        assert response.status_code == 200, response.text
        whole = read_as(client, path, auth_headers(Role.ADMIN))
        assert (whole["family_name"], whole["birth_date"], whole["address"]) == (
            family, "1815-12-10", ADDRESS)

    version = read_as(client, path, auth_headers(Role.ADMIN))["version"]
    for role, field, value in ((Role.AGENT, "birth_date", "1816-01-01"),
                               (Role.SUPERVISOR, "address", ADDRESS)):
        refused = client.put(f"{path}/details", json={"display_name": "Ada", field: value},
                             headers=auth_headers(role))
        assert refused.status_code == 403, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert field in refused.json()["detail"]
    assert read_as(client, path, auth_headers(Role.ADMIN))["version"] == version  # nothing stored
    assert client.put(f"{path}/details", json={"display_name": "Ada", "birth_date": None},
                      headers=auth_headers(Role.ADMIN)).status_code == 200
    assert read_as(client, path, auth_headers(Role.ADMIN))["birth_date"] is None  # who sees it may clear it
