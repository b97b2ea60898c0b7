"""``GET /api/v1/audit/verify``: the audit viewer's chain status, walked on demand, names the
first broken link after tampering; auditors and admins only."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from contact_center.bootstrap import Container
from tests.conftest import AuthHeaders
from tests.integration.test_audit_chain import CHANGE_ONE_BYTE, history, tamper

pytestmark = pytest.mark.services


def test_an_intact_chain_verifies_and_a_changed_byte_is_named(client: TestClient, container: Container,
                                                              auth_headers: AuthHeaders) -> None:
    history(client)
    auditor = auth_headers("auditor")
    intact = client.get("/api/v1/audit/verify", headers=auditor)
    assert intact.status_code == 200, intact.text
    body = intact.json()
    assert body["ok"] is True
    assert body["events"] >= 6
    assert body["first_break"] is None

    tamper(container, CHANGE_ONE_BYTE)
    broken = client.get("/api/v1/audit/verify", headers=auditor).json()
    assert broken["ok"] is False
    assert broken["first_break"]["position"] == 3
    assert broken["first_break"]["problem"]


def test_only_auditors_and_admins_may_ask(client: TestClient, auth_headers: AuthHeaders) -> None:
    assert client.get("/api/v1/audit/verify", headers={"Authorization": ""}).status_code == 401
    assert client.get("/api/v1/audit/verify", headers=auth_headers("admin")).status_code == 200
    for role in ("agent", "supervisor", "integration"):
        assert client.get("/api/v1/audit/verify", headers=auth_headers(role)).status_code == 403
