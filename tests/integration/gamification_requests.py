"""What the gamification tests share: a desk that works calls and cases through the API at
moments the test sets, reads of the boards, and the gamification tables as plain rows."""

from __future__ import annotations

from typing import Any

import psycopg
from fastapi.testclient import TestClient
from psycopg import sql

from contact_center.bootstrap import Container
from contact_center.roles import Role
from projections.base import Projection
from tests.conftest import bearer_for
from tests.integration.read_model_requests import ManualClock, catch_up

ADMIN = bearer_for(Role.ADMIN)  # sees every name
FLOOR = bearer_for(Role.SUPERVISOR, "floor")  # sees what the wallboard shows: consented names only
Rows = dict[str, list[tuple[Any, ...]]]


class Desk:
    def __init__(self, client: TestClient, container: Container, clock: ManualClock) -> None:
        self.client = client
        self.container = container
        self.clock = clock
        # The first wait includes the consumer groups joining, slow on a busy machine.
        container.consistency.timeout = max(container.consistency.timeout, 60.0)

    def post(self, path: str, body: dict[str, Any] | None = None) -> str:
        response = self.client.post(path, json=body)
        assert response.status_code in (200, 201), response.text
        return str(response.json()["id"])

    def agent(self, name: str, team: str | None = None, consent: bool = False) -> str:
        agent = self.post("/api/v1/agents", {"display_name": name, "login": name.lower(), "team": team})
        if consent:
            self.consent(agent, True)
        return agent

    def consent(self, agent: str, granted: bool) -> None:
        self.post(f"/api/v1/agents/{agent}/leaderboard-consent", {"granted": granted})

    def call(self, agent: str, wait: float, talk: float, direction: str = "inbound") -> str:
        """Rings, is answered after ``wait`` seconds, ends after ``talk`` seconds."""
        call = self.post("/api/v1/interactions/calls", {
            "direction": direction, "from_number": "+49 30 5557 1600", "queue": "billing"})
        self.clock.advance(seconds=wait)
        self.post(f"/api/v1/interactions/{call}/answer", {"agent_id": agent})
        self.clock.advance(seconds=talk)
        self.post(f"/api/v1/interactions/{call}/end")
        self.clock.advance(seconds=30)
        return call

    def case(self, agent: str | None, *, kind: str = "service_request", minutes: float = 5,
             deadline_minutes: int = 480, fcr: bool = False, csat: int | None = None) -> str:
        """Opened (and assigned), resolved ``minutes`` later, optionally rated."""
        customer = self.post("/api/v1/customers", {"display_name": "Ada Lovelace"})
        case = self.post("/api/v1/cases", {
            "kind": kind, "category": "billing", "priority": "high", "summary": "charged twice",
            "customer_id": customer, "first_response_minutes": min(60, deadline_minutes),
            "resolution_minutes": deadline_minutes})
        if agent is not None:
            self.post(f"/api/v1/cases/{case}/assign", {"agent_id": agent})
        self.clock.advance(minutes=minutes)
        self.post(f"/api/v1/cases/{case}/resolve", {"resolution_code": "fixed",
                                                    "first_contact_resolution": fcr})
        if csat is not None:
            self.post(f"/api/v1/cases/{case}/satisfaction", {"score": csat})
        self.clock.advance(seconds=30)
        return case

    def settle(self, projection: str | None = None) -> None:
        """Wait until the gamification projection has applied every stored event."""
        name = projection or self.container.leaderboards.versions.configured
        for position in stored_positions(self.container):
            self.container.consistency.require(name, position)

    def get(self, path: str, headers: dict[str, str] | None = None, **params: Any) -> dict[str, Any]:
        response = self.client.get(path, params=params, headers=headers or FLOOR)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def board(self, period: str = "day", headers: dict[str, str] | None = None,
              **params: Any) -> dict[str, Any]:
        return self.get("/api/v1/leaderboards", headers, period=period, **params)

    def explain(self, agent: str, period: str = "day", headers: dict[str, str] | None = None,
                **params: Any) -> dict[str, Any]:
        return self.get(f"/api/v1/agents/{agent}/points/explain", headers, period=period, **params)

    def badges(self, agent: str, headers: dict[str, str] | None = None, **params: Any) -> dict[str, Any]:
        return self.get(f"/api/v1/agents/{agent}/badges", headers, **params)


def stored_positions(container: Container) -> list[int]:
    with psycopg.connect(container.endpoints.database_url) as conn:
        rows = conn.execute(sql.SQL("SELECT notification_id FROM {} ORDER BY 1").format(
            sql.Identifier(container.settings.db_schema, "switchboard_events"))).fetchall()
    return [int(row[0]) for row in rows]


def points_by_name(board: dict[str, Any]) -> dict[str, int]:
    return {row["display_name"]: row["points"] for row in board["agents"]}


def dump(container: Container, projection: Projection) -> Rows:
    """Every table of the projection, whole, in a stable order."""
    schema = container.settings.db_schema
    with psycopg.connect(container.endpoints.database_url) as conn:
        return {table: sorted((tuple(row) for row in conn.execute(sql.SQL("SELECT * FROM {}").format(
                    sql.Identifier(schema, table))).fetchall()), key=repr)
                for table in projection.table_names}


def rebuild_from_scratch(container: Container, projection: Projection) -> None:
    """Stop the live workers, drop the projection with its offsets, replay it from offset 0."""
    container.projections.stop()
    runner = container.projections.open_runner(projection)
    try:
        runner.tables.drop()
        runner.tables.create()
        catch_up(runner)
    finally:
        runner.close()


def gamification(container: Container) -> Projection:
    return container.projections.get("gamification")
