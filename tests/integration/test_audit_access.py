"""Audit reads are for auditors and admins only, every one is in the access log (who looked at
whom, how) before it is answered, one that cannot be recorded is refused, bad queries are 422."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from uuid import UUID

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import sql

from adapters.services.stack import Endpoints
from contact_center.access_log import AuditRead, access_log_id
from contact_center.bootstrap import Container
from contact_center.commands import WriteResult
from contact_center.roles import Role
from contact_center.settings import Settings
from domain.access_log import AccessLog
from tests.conftest import bearer_for
from tests.integration.audit_requests import AUDITOR, T0, audit_get, audited_app, export_lines
from tests.integration.case_requests import complaint, new_customer, open_case
from tests.integration.event_counts import stored_event_count
from tests.integration.read_model_requests import ManualClock

OMAR = bearer_for(Role.AUDITOR, "omar")
REFUSE_ACCESS_LOG = """
CREATE FUNCTION refuse_access_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'access log unavailable'; END $$;
CREATE TRIGGER refuse_access_log BEFORE INSERT ON switchboard_events FOR EACH ROW
WHEN (NEW.topic LIKE 'domain.access_log:%') EXECUTE FUNCTION refuse_access_log();
"""


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def audited(settings_for_test: Settings, services: Endpoints,
            clock: ManualClock) -> Iterator[tuple[TestClient, Container]]:
    with audited_app(settings_for_test, services, clock) as built:
        yield built


def test_every_audit_read_is_recorded_with_who_looked_at_whom(
    audited: tuple[TestClient, Container], clock: ManualClock,
) -> None:
    client, container = audited
    customer = new_customer(client, "Grace Hopper")
    case = open_case(client, complaint(customer))
    clock.advance(minutes=5)
    audit_get(client, f"customers/{customer}", version=1)
    audit_get(client, f"customers/{customer}/history", limit=5)
    assert client.get(f"/api/v1/audit/cases/{case}", params={"version": 1}, headers=OMAR).status_code == 200
    export_lines(client, customer=customer)
    export_lines(client, **{"from": T0.isoformat(), "to": clock.moment.isoformat()})

    views = audit_get(client, f"access-log/{customer}")["entries"]
    assert [(v["viewer"], v["what"], v["subject_id"]) for v in views] == [
        ("auditor:ines", "customer", customer), ("auditor:ines", "customer_history", customer),
        ("auditor:ines", "export", customer)]
    assert [v["query"] for v in views] == [
        {"version": "1"}, {"limit": "5", "cursor": "0"}, {"customer": customer, "decrypted": "false"}]
    assert {v["occurred_at"] for v in views} == {clock.moment.isoformat().replace("+00:00", "Z")}
    case_views = audit_get(client, f"access-log/{case}")["entries"]
    assert [(v["viewer"], v["what"]) for v in case_views] == [("auditor:omar", "case")]
    again = audit_get(client, f"access-log/{customer}")["entries"]
    assert [v["what"] for v in again[3:]] == ["access_log"]  # reading the log is a read too
    day: AccessLog = container.app.repository.get(access_log_id(None, clock.moment.date()))
    assert isinstance(day, AccessLog)
    assert day.views == 1  # the time-range export, about no one subject
    of_day = audit_get(client, "access-log", day=clock.moment.date().isoformat())
    assert [(v["viewer"], v["what"], v["subject_id"]) for v in of_day["entries"]] == [
        ("auditor:ines", "export", None)]
    assert of_day["entries"][0]["query"]["from"] == T0.isoformat()
    exported = b"".join(export_lines(client, customer=customer))
    assert str(access_log_id(UUID(customer), clock.moment.date())).encode() not in exported


def test_concurrent_reads_of_one_subject_are_all_recorded(audited: tuple[TestClient, Container]) -> None:
    client, container = audited
    customer = UUID(new_customer(client))

    def read(n: int) -> WriteResult:
        return container.audit.access_log.record(AuditRead(f"auditor:{n}", "customer", customer))

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(read, range(6)))
    assert sorted(r.version for r in results) == [2, 3, 4, 5, 6, 7]  # the first also opened the log
    assert {v.viewer for v in container.audit.access_log.views_of(customer)} == {
        f"auditor:{n}" for n in range(6)}


def test_a_read_that_cannot_be_recorded_is_not_answered(audited: tuple[TestClient, Container]) -> None:
    client, container = audited
    customer = new_customer(client, "Grace Hopper")
    with psycopg.connect(container.endpoints.database_url) as conn:
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(container.settings.db_schema)))
        conn.execute(REFUSE_ACCESS_LOG.encode())
    read = client.get(f"/api/v1/audit/customers/{customer}", params={"version": 1}, headers=AUDITOR)
    assert read.status_code == 503
    assert "Grace" not in read.text
    export = client.get("/api/v1/audit/export", params={"customer": customer}, headers=AUDITOR)
    assert export.status_code == 503
    assert export.headers["content-type"] == "application/problem+json"
    assert client.get(f"/api/v1/customers/{customer}").status_code == 200  # only audit reads need it


def test_audit_needs_an_auditor_or_admin(audited: tuple[TestClient, Container]) -> None:
    client, container = audited
    customer = new_customer(client)
    url = f"/api/v1/audit/customers/{customer}"
    before = stored_event_count(container)
    anonymous = {"Authorization": ""}
    assert client.get(url, params={"version": 1}, headers=anonymous).status_code == 401
    assert client.get(url, params={"version": 1}, headers={"Authorization": "Basic x"}).status_code == 401
    for role in ("agent", "supervisor", "integration"):
        refused = client.get(url, params={"version": 1}, headers=bearer_for(role))
        assert refused.status_code == 403
        assert refused.json()["detail"] == f"the {role} role may not use this"
    assert client.get("/api/v1/audit/export", params={"customer": customer},
                      headers=anonymous).status_code == 401
    assert client.get(url, headers={"Authorization": "Bearer x"}).status_code == 401  # token first
    assert stored_event_count(container) == before  # refused reads record nothing


def test_bad_queries_are_422_and_missing_things_404(
    audited: tuple[TestClient, Container], clock: ManualClock,
) -> None:
    client, _ = audited
    customer = new_customer(client)
    later = (T0 + timedelta(days=1)).isoformat()

    def status(path: str, **params: str) -> int:
        code: int = client.get(f"/api/v1/audit/{path}", params=params, headers=AUDITOR).status_code
        return code

    point = f"customers/{customer}"
    assert status(point) == 422
    assert status(point, as_of=later, version="1") == 422
    assert status(point, version="0") == 422
    assert status(point, version="one") == 422
    assert status(point, as_of="2025-01-06T10:00:00") == 422  # no offset
    assert status(point, as_of="yesterday") == 422
    assert status(f"{point}/history", limit="0") == 422
    assert status(f"{point}/history", limit="1001") == 422
    assert status(f"{point}/history", cursor="-1") == 422
    assert status("export") == 422
    assert status("export", customer=customer, **{"from": T0.isoformat(), "to": later}) == 422
    assert status("export", **{"from": T0.isoformat()}) == 422
    assert status("export", **{"from": later, "to": T0.isoformat()}) == 422
    assert status("export", **{"from": "2025-01-06T10:00:00", "to": later}) == 422
    assert status("export", customer="someone") == 422
    nobody = "00000000-0000-0000-0000-000000000000"
    assert status(f"customers/{nobody}", version="1") == 404
    assert status(f"customers/{customer}", version="2") == 404
    assert status(f"customers/{nobody}/history") == 404
    assert status("export", customer=nobody) == 404
    assert status(f"agents/{customer}", version="1") == 404
