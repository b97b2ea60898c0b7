"""Requests the timeline tests share: writes that report their position, timeline reads,
and the caller history tables as plain rows."""

from __future__ import annotations

import time
from typing import Any

import psycopg
from fastapi.testclient import TestClient
from psycopg import sql

from adapters.projection_runner import ProjectionRunner
from contact_center.bootstrap import Container
from contact_center.caller_history import PROJECTION
from contact_center.roles import Role
from projections.caller_history_schema import KEYS
from tests.conftest import bearer_for

DPO = bearer_for(Role.ADMIN, "dpo")  # erasure is admin work
Rows = dict[str, list[tuple[Any, ...]]]


class Writer:
    """Posts commands and remembers the position of the latest one."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.position = 0

    def post(self, path: str, body: dict[str, Any] | None = None, **kw: Any) -> str:
        response = self.client.post(path, json=body, **kw)
        assert response.status_code in (200, 201), response.text
        self.position = max(self.position, int(response.headers["X-Switchboard-Position"]))
        return str(response.json()["id"])

    def customer(self, name: str) -> str:
        return self.post("/api/v1/customers", {"display_name": name})

    def agent(self, login: str) -> str:
        return self.post("/api/v1/agents", {"display_name": login.title(), "login": login})

    def call(self, customer: str | None, agent: str, number: str) -> str:
        """A call that rings, is answered and ends."""
        body = {"direction": "inbound", "from_number": number, "to_number": "+49 30 5557 1601",
                "queue": "billing", "customer_id": customer}
        call = self.post("/api/v1/interactions/calls", body)
        self.post(f"/api/v1/interactions/{call}/answer", {"agent_id": agent})
        self.post(f"/api/v1/interactions/{call}/end")
        return call

    def message(self, customer: str, channel: str, subject: str, **extra: Any) -> str:
        body = {"channel": channel, "direction": "inbound", "customer_id": customer,
                "from_address": f"ada-{channel}@example.org", "subject": subject,
                "body": f"{subject}, in full", **extra}
        return self.post("/api/v1/interactions", body)

    def consent(self, customer: str, granted: bool) -> None:
        self.post(f"/api/v1/customers/{customer}/consents",
                  {"channel": "email", "purpose": "marketing_email", "granted": granted,
                   "source": "web form"})


def timeline(client: TestClient, customer: str, after: int, **query: Any) -> dict[str, Any]:
    response = client.get(f"/api/v1/customers/{customer}/timeline",
                          params={"min_position": after, **query})
    assert response.status_code == 200, response.text
    return dict(response.json())


def entries(client: TestClient, customer: str, after: int, **query: Any) -> list[dict[str, Any]]:
    return list(timeline(client, customer, after, **query)["entries"])


def all_applied(container: Container) -> None:
    """Wait until the caller history has applied every stored event, whatever its partition."""
    with psycopg.connect(container.endpoints.database_url) as conn:
        rows = conn.execute(sql.SQL("SELECT notification_id FROM {} ORDER BY 1").format(
            sql.Identifier(container.settings.db_schema, "switchboard_events"))).fetchall()
    for (position,) in rows:
        container.consistency.require(PROJECTION, int(position))


def dump(container: Container) -> Rows:
    """Every caller history table, whole, in key order."""
    schema = container.settings.db_schema
    with psycopg.connect(container.endpoints.database_url) as conn:
        return {table: conn.execute(sql.SQL("SELECT * FROM {} ORDER BY {}").format(
                    sql.Identifier(schema, table), sql.SQL(key))).fetchall()
                for table, key in KEYS.items()}


def replay_from_scratch(container: Container, timeout: float = 60.0) -> None:
    """Stop the live workers, drop the caller history with its offsets, and replay it from
    offset 0 with a fresh runner until nothing is left on the topic."""
    container.projections.stop()
    runner: ProjectionRunner = container.projections.open_runner(container.projections.get(PROJECTION))
    try:
        runner.tables.drop()
        runner.tables.create()
        deadline = time.monotonic() + timeout
        while runner.poll_once(timeout_ms=500) > 0 or runner.lag() != 0:
            assert time.monotonic() < deadline, "the replay did not catch up"
    finally:
        runner.close()
