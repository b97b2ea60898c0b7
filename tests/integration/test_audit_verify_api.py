"""``GET /api/v1/audit/verify``: the audit viewer's chain status, walked on demand, names the
first broken link after tampering; auditors only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from adapters.services.stack import Endpoints
from contact_center.bootstrap import Container
from contact_center.settings import Settings
from tests.integration.audit_requests import AUDITOR, T0, audited_app
from tests.integration.read_model_requests import ManualClock
from tests.integration.test_audit_chain import CHANGE_ONE_BYTE, history, tamper

pytestmark = pytest.mark.services


@pytest.fixture
def audited(settings_for_test: Settings, services: Endpoints) -> Iterator[tuple[TestClient, Container]]:
    with audited_app(settings_for_test, services, ManualClock(T0)) as built:
        yield built


def test_an_intact_chain_verifies_and_a_changed_byte_is_named(audited: tuple[TestClient, Container]) -> None:
    client, container = audited
    history(client)
    intact = client.get("/api/v1/audit/verify", headers=AUDITOR)
    assert intact.status_code == 200, intact.text
    body = intact.json()
    assert body["ok"] is True
    assert body["events"] >= 6
    assert body["first_break"] is None

    tamper(container, CHANGE_ONE_BYTE)
    broken = client.get("/api/v1/audit/verify", headers=AUDITOR).json()
    assert broken["ok"] is False
    assert broken["first_break"]["position"] == 3
    assert broken["first_break"]["problem"]


def test_only_auditors_may_ask(audited: tuple[TestClient, Container]) -> None:
    client, _ = audited
    assert client.get("/api/v1/audit/verify").status_code == 401
    assert client.get("/api/v1/audit/verify", headers={"Authorization": "Bearer nope"}).status_code == 403
