"""Helpers the read-model tests share: a hand-moved clock, writes that return their position,
commands without an HTTP endpoint yet, and waiting for a projection to catch up."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import psycopg
from fastapi.testclient import TestClient
from psycopg import sql

from adapters.projection_runner import ProjectionRunner
from adapters.services.stack import Endpoints
from api.app import create_app
from contact_center.bootstrap import Container, bootstrap
from contact_center.commands import CommandContext
from contact_center.projection_host import ProjectionHost
from contact_center.roles import Role
from contact_center.settings import Settings
from domain.customer import Customer
from projections.base import Projection
from tests.conftest import bearer_for, signed_in

DPO = bearer_for(Role.ADMIN, "dpo")  # erasure is admin work


class ManualClock:
    """A clock the test moves by hand; every write happens at the moment it shows."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def now(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> datetime:
        self.moment += timedelta(**delta)
        return self.moment


@contextmanager
def clocked_pipeline(settings: Settings, services: Endpoints,
                     clock: ManualClock) -> Iterator[tuple[TestClient, Container]]:
    """The ``pipeline`` fixture's whole path, with the clock under the test's control. Reads
    wait up to a minute for their write: consumer groups join slowly on a busy machine."""
    built = bootstrap(settings.model_copy(update={"read_wait_seconds": 60.0}), services, clock=clock)
    try:
        with TestClient(create_app(built), raise_server_exceptions=False) as client:
            client.headers.update(signed_in(built, Role.ADMIN))
            yield client, built
    finally:
        built.close()


def post(client: TestClient, path: str, body: dict[str, Any] | None = None,
         headers: dict[str, str] | None = None) -> tuple[str, int]:
    """POST a command; the id it names and the position of its last event."""
    response = client.post(path, json=body, headers=headers)
    assert response.status_code in (200, 201), response.text
    return str(response.json()["id"]), int(response.headers["X-Switchboard-Position"])


def put(client: TestClient, path: str, body: dict[str, Any]) -> int:
    response = client.put(path, json=body)
    assert response.status_code == 200, response.text
    return int(response.headers["X-Switchboard-Position"])


def join_organisation(container: Container, person: str, organisation: str) -> int:
    """Membership has no HTTP endpoint yet: run the domain command through the command runner."""
    runner = container.customers.runner
    clock = container.customers.clock

    def work() -> list[Customer]:
        customer = runner.load(Customer, UUID(person))
        customer.join_organisation(UUID(organisation), actor="agent:test", occurred_at=clock.now())
        return [customer]

    result = runner.run(CommandContext(actor="agent:test"), "customer.join_organisation",
                        [person, organisation], work)
    assert result.position is not None
    return result.position


def catch_up(runner: ProjectionRunner, timeout: float = 120.0) -> None:
    """Poll until the runner has applied every record on the topic."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runner.poll_once(timeout_ms=200)
        if runner.lag() == 0:
            return
    raise AssertionError(f"{runner.projection.full_name} did not catch up in {timeout} s")


def run_to_end(host: ProjectionHost, projection: Projection) -> None:
    """Apply, with a runner of its own, every record the projection has not applied yet."""
    runner = host.open_runner(projection)
    try:
        catch_up(runner)
    finally:
        runner.close()


def table_contents(container: Container, tables: tuple[str, ...]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of each table, in a stable order."""
    schema = sql.Identifier(container.settings.db_schema)
    contents = {}
    with psycopg.connect(container.endpoints.database_url) as conn:
        for table in tables:
            query = sql.SQL("SELECT * FROM {}.{} ORDER BY 1, 2, 3").format(schema, sql.Identifier(table))
            contents[table] = [tuple(row) for row in conn.execute(query).fetchall()]
    return contents
