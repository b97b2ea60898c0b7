"""Helpers of the CTI webhook tests: a notifier that records, the whole pipeline wired with it
and a hand-moved clock, agents and customers the read models have applied, and requests as
telephony systems send them (JSON, ``curl --data``, ``curl --form``)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote
from uuid import UUID

from fastapi.testclient import TestClient

from adapters.services.stack import Endpoints
from api.app import create_app
from contact_center.bootstrap import Container, bootstrap
from contact_center.call_notifications import CallEnded, CallOffered, CallTaken
from contact_center.cti_events import call_interaction_id
from contact_center.roles import Role
from contact_center.settings import Settings
from projections.agent_directory import AgentDirectoryProjection
from projections.identity_lookup import IdentityLookupProjection
from tests.conftest import signed_in
from tests.integration.read_model_requests import ManualClock

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
AGENTS = f"{AgentDirectoryProjection.name}_v{AgentDirectoryProjection.version}"
IDENTITIES = f"{IdentityLookupProjection.name}_v{IdentityLookupProjection.version}"
# The configuration of Zammad's documented examples: Munich and Berlin rules, a default.
RULES = ("4989*=498999998145", "4930*=493023125877", "*=496990009111")
BLOCKED = ("0221 555 0199",)


@dataclass
class RecordingNotifier:
    """Our own CallNotifier, keeping what the CTI service told it."""

    offers: list[CallOffered] = field(default_factory=list)
    offer_threads: list[str] = field(default_factory=list)  # the thread each offer came from
    takes: list[CallTaken] = field(default_factory=list)
    ends: list[CallEnded] = field(default_factory=list)

    def offered(self, event: CallOffered) -> None:
        self.offers.append(event)
        self.offer_threads.append(threading.current_thread().name)

    def taken(self, event: CallTaken) -> None:
        self.takes.append(event)

    def ended(self, event: CallEnded) -> None:
        self.ends.append(event)


@dataclass
class Rig:
    client: TestClient
    container: Container
    notifier: RecordingNotifier
    clock: ManualClock
    token: str

    @property
    def url(self) -> str:
        return f"/api/v1/cti/{self.token}"

    def interaction_id(self, call_id: str) -> UUID:
        integration = self.container.cti.integrations.authenticate(self.token)
        assert integration is not None
        return call_interaction_id(integration.id, call_id)

    def send(self, body: dict[str, Any], status: int = 200) -> dict[str, Any]:
        response = self.client.post(self.url, json=body)
        assert response.status_code == status, response.text
        return dict(response.json())

    def send_form(self, pairs: list[tuple[str, str]], *, multipart: bool = False) -> dict[str, Any]:
        content, content_type = form_multipart(pairs) if multipart else form_urlencoded(pairs)
        response = self.client.post(self.url, content=content, headers={"Content-Type": content_type})
        assert response.status_code == 200, response.text
        return dict(response.json())

    def call(self, call_id: str) -> dict[str, Any]:
        response = self.client.get(f"/api/v1/interactions/{self.interaction_id(call_id)}")
        assert response.status_code == 200, response.text
        return dict(response.json())

    def onboard(self, name: str, login: str, team: str | None = None, extensions: tuple[str, ...] = (),
                presence: str | None = None) -> UUID:
        """An agent the agent directory has applied."""
        response = self.client.post("/api/v1/agents", json={
            "display_name": name, "login": login, "team": team, "extensions": list(extensions)})
        assert response.status_code == 201, response.text
        agent, position = UUID(response.json()["id"]), int(response.headers["X-Switchboard-Position"])
        if presence is not None:
            response = self.client.put(f"/api/v1/agents/{agent}/presence", json={"presence": presence})
            assert response.status_code == 200, response.text
            position = int(response.headers["X-Switchboard-Position"])
        for projection in (AGENTS, IDENTITIES):  # both tables exist from here on
            self.container.consistency.require(projection, position)
        return agent

    def register(self, name: str, phone: str) -> UUID:
        """A customer the identity lookup has applied."""
        response = self.client.post("/api/v1/customers", json={
            "display_name": name, "identities": [{"kind": "phone", "value": phone}]})
        assert response.status_code == 201, response.text
        self.container.consistency.require(IDENTITIES, int(response.headers["X-Switchboard-Position"]))
        return UUID(response.json()["id"])


@contextmanager
def cti_rig(settings: Settings, services: Endpoints) -> Iterator[Rig]:
    """The ``pipeline`` fixture's whole path, with a recording notifier and a manual clock."""
    notifier, clock = RecordingNotifier(), ManualClock(START)
    # A fresh pipeline's consumer groups join while the rest of a full run keeps Kafka busy.
    settings = settings.model_copy(update={"read_wait_seconds": 60.0})
    built = bootstrap(settings, services, clock=clock, notifier=notifier)
    try:
        token = built.cti.integrations.add("office-pbx", BLOCKED, RULES)
        with TestClient(create_app(built), raise_server_exceptions=False) as client:
            client.headers.update(signed_in(built, Role.ADMIN))
            yield Rig(client, built, notifier, clock, token)
    finally:
        built.close()


def form_urlencoded(pairs: list[tuple[str, str]]) -> tuple[bytes, str]:
    """As ``curl --data 'event=newCall&…&user[]=Alice&user[]=Bob'`` sends it."""
    body = "&".join(f"{name}={quote(value)}" for name, value in pairs)
    return body.encode(), "application/x-www-form-urlencoded"


def form_multipart(pairs: list[tuple[str, str]]) -> tuple[bytes, str]:
    """As ``curl --form 'event="newCall"' --form 'user[]="Emma Taylor"' …`` sends it."""
    boundary = "------------------------d74496d66958873e"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
             for name, value in pairs]
    return ("".join(parts) + f"--{boundary}--\r\n").encode(), f"multipart/form-data; boundary={boundary}"
