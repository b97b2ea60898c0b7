"""The app the browser tests drive: one schema, the whole pipeline in process, served over real
HTTP, with a CTI integration; and the requests the tests make besides the browser's (the PBX
ringing, customers and agents set up as an admin would)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx
import psycopg
from playwright.sync_api import BrowserContext, Page, expect
from pydantic import SecretStr

from adapters.services.stack import Endpoints
from contact_center.bootstrap import Container, bootstrap
from contact_center.cti_events import call_interaction_id
from contact_center.roles import Role
from contact_center.settings import Settings
from projections.agent_directory import AgentDirectoryProjection
from tests.conftest import TEST_MASTER_KEY
from tests.e2e.page_server import served

AGENTS = f"{AgentDirectoryProjection.name}_v{AgentDirectoryProjection.version}"
PASSWORD = "correct horse battery"
SESSION_KEY = "switchboard.session"


class SkewedClock:
    """The wall clock, moved ahead by hand: a call can last a minute without the test waiting one."""

    def __init__(self) -> None:
        self.ahead = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.ahead

    def advance(self, seconds: float) -> None:
        self.ahead += timedelta(seconds=seconds)

    def catch_up(self) -> None:
        """Back to the wall clock from behind it (never backwards)."""
        self.ahead = max(self.ahead, timedelta())


@dataclass
class PagesApp:
    base: str
    container: Container
    cti_token: str
    clock: SkewedClock
    admin: dict[str, str]  # the headers of an admin user, who sets things up as an operator would

    def post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        return self.send("POST", path, body)

    def put(self, path: str, body: dict[str, Any]) -> httpx.Response:
        return self.send("PUT", path, body)

    def send(self, method: str, path: str, body: dict[str, Any] | None = None,
             **params: str | int) -> httpx.Response:
        response = httpx.request(method, f"{self.base}{path}", json=body, params=params, headers=self.admin,
                                 timeout=60)
        assert response.status_code in (200, 201), response.text
        return response

    def onboard(self, name: str, login: str, team: str, extension: str) -> UUID:
        """An available agent who consents to appear by name on leaderboards."""
        agent = UUID(self.post("/api/v1/agents", {"display_name": name, "login": login, "team": team,
                                                 "extensions": [extension]}).json()["id"])
        self.post(f"/api/v1/agents/{agent}/leaderboard-consent", {"granted": True})
        response = self.put(f"/api/v1/agents/{agent}/presence", {"presence": "available"})
        # The CTI webhook finds agents in the agent directory: wait until it knows this one.
        self.container.consistency.require(AGENTS, int(response.headers["X-Switchboard-Position"]))
        return agent

    def register(self, name: str, phone: str) -> tuple[UUID, int]:
        response = self.post("/api/v1/customers", {"display_name": name,
                                                   "identities": [{"kind": "phone", "value": phone}]})
        return UUID(response.json()["id"]), int(response.headers["X-Switchboard-Position"])

    def cti(self, event: str, call_id: str, caller: str, login: str, **extra: str) -> None:
        """What the PBX posts to the CTI webhook for one event of an inbound call (its token is
        in the path, the PBX has no user)."""
        response = httpx.post(f"{self.base}/api/v1/cti/{self.cti_token}", timeout=60, json={
            "event": event, "from": caller, "to": "492214710334", "direction": "in", "callId": call_id,
            "user": login, **extra})
        assert response.status_code == 200, response.text

    def wait_for_lookup(self, phone: str, position: int) -> None:
        self.send("GET", "/api/v1/lookup", phone=phone, min_position=position)

    def interaction_of(self, call_id: str) -> UUID:
        integration = self.container.cti.integrations.authenticate(self.cti_token)
        assert integration is not None
        return call_interaction_id(integration.id, call_id)

    def user(self, role: Role, username: str, agent: UUID | None = None) -> str:
        """A user of ``role`` (an agent user is ``agent``) with :data:`PASSWORD`; returns the name."""
        self.container.users.create(username, role, password=PASSWORD, agent_id=agent, actor="test")
        return username


def sign_in(page: Page, username: str) -> None:
    """Fill in and send the page's sign-in form, then wait for the page behind it."""
    page.fill("#login input[name=username]", username)
    page.fill("#login input[name=password]", PASSWORD)
    page.click("#login button[type=submit]")
    expect(page.locator("#app")).to_be_visible()


def signed_in(context: BrowserContext, session: dict[str, Any]) -> None:
    """Every page of ``context`` starts signed in with ``session`` (as the sign-in form leaves it)."""
    stored = json.dumps(json.dumps(session))
    context.add_init_script(f"sessionStorage.setItem({json.dumps(SESSION_KEY)}, {stored});")


@contextmanager
def pages_app(services: Endpoints, data_dir: Path) -> Iterator[PagesApp]:
    schema = f"t_{uuid4().hex[:12]}"
    with psycopg.connect(services.database_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    settings = Settings(
        database_url=services.database_url, kafka_bootstrap_servers=services.kafka_bootstrap_servers,
        db_schema=schema, topic_prefix=schema, data_dir=data_dir, master_key=SecretStr(TEST_MASTER_KEY),
        relay_in_process=True, projections_in_process=True, read_wait_seconds=60.0,
        push_heartbeat_seconds=5.0,
        password_hash_time_cost=1, password_hash_memory_kib=1024)
    clock = SkewedClock()
    container = bootstrap(settings, services, clock=clock)
    try:
        token = container.cti.integrations.add("office-pbx", (), ())
        container.users.create("operator", Role.ADMIN, password=PASSWORD, actor="test")
        admin_token, _ = container.sign_in.login("operator", PASSWORD, "pages-app")
        with served(container) as base:
            yield PagesApp(base, container, token, clock, {"Authorization": f"Bearer {admin_token}"})
    finally:
        container.close()
        with psycopg.connect(services.database_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
