"""What the audit tests share: an app with the auditor token on a hand-moved clock, audit
requests, and a long customer history written through the API with, beside it, the state
the test expects after every step, computed from what it wrote, not read back."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import psycopg
from fastapi.testclient import TestClient
from psycopg import sql

from adapters.services.stack import Endpoints
from api.app import create_app
from contact_center.bootstrap import Container, bootstrap
from contact_center.roles import Role
from contact_center.settings import Settings
from tests.conftest import bearer_for, signed_in
from tests.integration.case_requests import complaint, open_case
from tests.integration.read_model_requests import ManualClock

AUDITOR = bearer_for(Role.AUDITOR, "ines")  # reads are logged as auditor:ines

T0 = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
PHONE, EMAIL = "+493055571600", "grace@example.org"
ADDRESS = {"street": "1 Navy Way", "postal_code": "10115", "city": "Berlin", "country": "DE"}
PURPOSES = [("email", "marketing_email"), ("sms", "marketing_sms")]


@contextmanager
def audited_app(settings: Settings, services: Endpoints,
                clock: ManualClock) -> Iterator[tuple[TestClient, Container]]:
    """The API on ``clock``, signed in as an admin (``AUDITOR`` reads as auditor:ines)."""
    container = bootstrap(settings, services, clock=clock)
    try:
        with TestClient(create_app(container), raise_server_exceptions=False) as client:
            client.headers.update(signed_in(container, Role.ADMIN))
            yield client, container
    finally:
        container.close()


def audit_get(client: TestClient, path: str, **params: Any) -> Any:
    response = client.get(f"/api/v1/audit/{path}", params=params, headers=AUDITOR)
    assert response.status_code == 200, response.text
    return response.json()


def export_lines(client: TestClient, **params: str) -> list[bytes]:
    response = client.get("/api/v1/audit/export", params=params, headers=AUDITOR)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    content: bytes = response.content
    return content.splitlines()


def stored_ids(container: Container, aggregate_ids: list[str]) -> list[tuple[int, str]]:
    """(position, "<aggregate>:<version>") of the aggregates' stored events, in log order."""
    query = sql.SQL("SELECT notification_id, originator_id, originator_version FROM {}.switchboard_events "
                    "WHERE originator_id = ANY(%s) ORDER BY notification_id").format(
        sql.Identifier(container.settings.db_schema))
    with psycopg.connect(container.endpoints.database_url) as conn:
        rows = conn.execute(query, ([UUID(a) for a in aggregate_ids],)).fetchall()
    return [(position, f"{aggregate}:{version}") for position, aggregate, version in rows]


@dataclass
class Expected:
    """The customer as the test wrote it, in the API's terms."""

    display_name: str
    address: dict[str, str] | None = None
    identities: list[str] = field(default_factory=list)
    consents: dict[str, bool] = field(default_factory=dict)  # "channel/purpose" -> granted
    absorbed_ids: list[str] = field(default_factory=list)
    version: int = 0

    @staticmethod
    def of(body: dict[str, Any]) -> Expected:
        """The same view of a customer the API returned."""
        return Expected(
            display_name=body["display_name"], address=body["address"],
            identities=[i["value"] for i in body["identities"]],
            consents={f"{c['channel']}/{c['purpose']}": c["granted"] for c in body["consents"]},
            absorbed_ids=body["absorbed_ids"], version=body["version"])


@dataclass(frozen=True)
class Step:
    at: datetime
    state: Expected


class Story:
    def __init__(self, client: TestClient, clock: ManualClock) -> None:
        self.client, self.clock = client, clock
        self.steps: list[Step] = []
        self.customer = ""
        self.duplicate = ""
        self.call = ""
        self.case = ""
        self.expected = Expected("")

    def write(self, path: str, body: dict[str, Any] | None, actor: str, events: int,
              method: str = "POST") -> str:
        """One command an hour after the last; ``events`` of them land on the customer."""
        self.clock.advance(hours=1)
        role, _, name = actor.partition(":")
        response = self.client.request(method, path, json=body, headers=bearer_for(role, name))
        assert response.status_code in (200, 201), response.text
        self.expected.version += events
        if events:
            self.steps.append(Step(self.clock.moment, copy.deepcopy(self.expected)))
        return str(response.json()["id"])

    def register(self, name: str) -> None:
        self.expected = Expected(name, identities=[PHONE])
        body = {"display_name": name, "identities": [{"kind": "phone", "value": PHONE}]}
        self.customer = self.write("/api/v1/customers", body, "agent:ada", events=2)

    def details(self, name: str, address: dict[str, str] | None = None) -> None:
        self.expected.display_name, self.expected.address = name, address
        self.write(f"/api/v1/customers/{self.customer}/details",
                   {"display_name": name, "address": address}, "agent:bob", 1, method="PUT")

    def consent(self, channel: str, purpose: str, granted: bool) -> None:
        self.expected.consents[f"{channel}/{purpose}"] = granted
        self.write(f"/api/v1/customers/{self.customer}/consents",
                   {"channel": channel, "purpose": purpose, "granted": granted, "source": "web form"},
                   "agent:cy", 1)

    def add_email(self) -> None:
        self.expected.identities.append(EMAIL)
        self.write(f"/api/v1/customers/{self.customer}/identities", {"kind": "email", "value": EMAIL},
                   "agent:ada", 1)

    def merge_duplicate(self) -> None:
        self.duplicate = self.write("/api/v1/customers", {"display_name": "G. Hopper"}, "agent:ada", 0)
        self.expected.absorbed_ids.append(self.duplicate)
        self.write(f"/api/v1/customers/{self.duplicate}/merge", {"survivor_id": self.customer},
                   "supervisor:dee", 1)

    def unmerge(self) -> None:
        self.expected.absorbed_ids.remove(self.duplicate)
        self.write(f"/api/v1/customers/{self.duplicate}/unmerge", None, "supervisor:dee", 1)

    def call_and_case(self) -> None:
        """An unknown caller linked to the customer, a note, and a complaint: data held elsewhere."""
        self.call = self.write("/api/v1/interactions/calls",
                               {"direction": "inbound", "from_number": PHONE, "to_number": "+4930123456"},
                               "integration:pbx", 0)
        self.write(f"/api/v1/interactions/{self.call}/link", {"customer_id": self.customer}, "agent:ada", 0)
        self.write(f"/api/v1/interactions/{self.call}/notes", {"note": "asked about the invoice"},
                   "agent:ada", 0)
        self.clock.advance(hours=1)
        self.case = open_case(self.client, complaint(self.customer))


def long_history(client: TestClient, clock: ManualClock) -> Story:
    """Registration, details, consents back and forth, a merge and its undoing, an interaction
    and a case: 54 customer events, past the snapshot taken every 50."""
    story = Story(client, clock)
    story.register("Grace Hopper")
    story.consent("email", "marketing_email", True)
    story.details("Grace B. Hopper", ADDRESS)
    story.merge_duplicate()
    for n in range(20):
        channel, purpose = PURPOSES[n % 2]
        story.consent(channel, purpose, n % 3 != 0)
    story.add_email()
    story.call_and_case()
    for n in range(27):
        story.details(f"Grace Hopper ({n})", ADDRESS if n % 2 else None)
    story.unmerge()
    return story
