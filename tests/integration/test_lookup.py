"""Caller ID lookup through the whole pipeline: API write → relay → Kafka → projection → API read."""

from __future__ import annotations

from typing import Any

import psycopg
from fastapi.testclient import TestClient
from psycopg import sql

from adapters.projection_store import applied_table
from contact_center.bootstrap import Container
from contact_center.roles import Role
from tests.conftest import bearer_for
from tests.event_log import wait_for

DPO = bearer_for(Role.ADMIN, "dpo")  # erasure is admin work


def write(client: TestClient, path: str, body: dict[str, Any] | None = None, **kw: Any) -> int:
    response = client.post(path, json=body, **kw)
    assert response.status_code in (200, 201), response.text
    return int(response.headers["X-Switchboard-Position"])


def lookup(client: TestClient, after: int, **query: str) -> dict[str, Any]:
    response = client.get("/api/v1/lookup", params={**query, "min_position": after})
    assert response.status_code == 200, response.text
    return dict(response.json())


def register(client: TestClient, name: str, phone: str) -> tuple[str, int]:
    response = client.post("/api/v1/customers", json={
        "display_name": name, "identities": [{"kind": "phone", "value": phone}]})
    assert response.status_code == 201, response.text
    return response.json()["id"], int(response.headers["X-Switchboard-Position"])


def test_lookup_outcomes_follow_the_event_stream(pipeline: tuple[TestClient, Container]) -> None:
    client, container = pipeline
    ada, at = register(client, "Ada", "+49 30 5557 1600")
    found = lookup(client, at, phone="493055571600")  # as a PBX sends it
    assert found == {"match": "single", "normalised": "+493055571600", "candidates": [ada],
                     "candidates_detail": [{"id": ada, "display_name": "Ada"}]}

    flat, at = register(client, "Ada's flatmate", "030 55571600")  # the same line
    assert lookup(client, at, phone="+493055571600")["match"] == "multiple"

    at = write(client, f"/api/v1/customers/{flat}/merge", {"survivor_id": ada})
    assert lookup(client, at, phone="+493055571600")["candidates"] == [ada]
    at = write(client, f"/api/v1/customers/{flat}/unmerge")
    assert len(lookup(client, at, phone="+493055571600")["candidates"]) == 2

    at = write(client, f"/api/v1/customers/{ada}/identities",
               {"kind": "email", "value": "Ada@Example.org"})
    assert lookup(client, at, email="ADA@example.org ")["candidates"] == [ada]

    at = write(client, f"/api/v1/customers/{ada}/erasure", {"legal_basis": "Art. 17 request"},
               headers=DPO)
    assert lookup(client, at, phone="+493055571600")["candidates"] == [flat]
    assert lookup(client, at, email="ada@example.org")["match"] == "none"

    assert lookup(client, at, phone="anonymous")["match"] == "withheld"
    assert lookup(client, at, phone="+4989123456")["match"] == "none"

    # No plain phone number or e-mail in the read model.
    query = sql.SQL("SELECT string_agg(digest || kind, ',') FROM {}.identity_lookup_v1").format(
        sql.Identifier(container.settings.db_schema))
    with psycopg.connect(container.endpoints.database_url) as conn:
        row = conn.execute(query).fetchone()
    assert row is not None
    assert "5557" not in str(row[0])


def test_lookup_errors(pipeline: tuple[TestClient, Container]) -> None:
    client, container = pipeline
    assert client.get("/api/v1/lookup", params={"phone": "12"}).status_code == 422
    assert client.get("/api/v1/lookup").status_code == 422
    assert client.get("/api/v1/lookup", params={"phone": "1", "email": "a@b.c"}).status_code == 422
    container.consistency.timeout = 0.5
    container.projections.stop()  # the read model falls behind the next write
    written = client.post("/api/v1/customers", json={"display_name": "Ada"})
    position = int(written.headers["X-Switchboard-Position"])
    behind = client.get("/api/v1/lookup", params={"phone": "+493055571600", "min_position": position})
    assert behind.status_code == 503
    assert behind.json()["wanted_position"] == position
    assert "X-Switchboard-Position" in behind.headers


def test_rebuild_while_running_replays_from_the_first_event(
    pipeline: tuple[TestClient, Container],
) -> None:
    client, container = pipeline
    ids = []
    at = 0
    for n in range(5):
        customer, at = register(client, f"Customer {n}", f"+49301234560{n}")
        ids.append(customer)
    assert lookup(client, at, phone="+493012345604")["candidates"] == [ids[4]]

    container.projections.rebuild("identity_lookup")  # the workers keep running

    def all_found() -> bool:
        return all(lookup(client, 0, phone=f"+49301234560{n}")["candidates"] == [ids[n]]
                   for n in range(5))

    wait_for(all_found, timeout=30, what="the rebuilt lookup to answer as before")
    query = sql.SQL("SELECT count(*) FROM {}").format(
        sql.Identifier(container.settings.db_schema, applied_table("identity_lookup_v1")))
    with psycopg.connect(container.endpoints.database_url) as conn:
        row = conn.execute(query).fetchone()
    assert row is not None
    assert row[0] == at  # every event applied once since the rebuild, none twice
