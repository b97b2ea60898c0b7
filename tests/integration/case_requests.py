"""Requests the case tests share: a customer, an agent, a complaint to open."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

NOBODY = "00000000-0000-0000-0000-000000000000"


def new_customer(client: TestClient, name: str = "Ada Lovelace") -> str:
    response = client.post("/api/v1/customers", json={"display_name": name})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def new_agent(client: TestClient, login: str = "grace") -> str:
    response = client.post("/api/v1/agents", json={"display_name": login.title(), "login": login})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def complaint(customer_id: str, **changes: Any) -> dict[str, Any]:
    body = {"kind": "complaint", "category": "billing", "priority": "high",
            "summary": "charged twice for March", "customer_id": customer_id,
            "first_response_minutes": 60, "resolution_minutes": 480}
    return {**body, **changes}


def open_case(client: TestClient, body: dict[str, Any]) -> str:
    response = client.post("/api/v1/cases", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])
