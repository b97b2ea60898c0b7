"""A case's SLA as the API reports it, measured with the clock's now."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from adapters.services.stack import Endpoints
from api.app import create_app
from contact_center.bootstrap import bootstrap
from contact_center.roles import Role
from contact_center.settings import Settings
from tests.conftest import signed_in
from tests.integration.case_requests import complaint, new_customer, open_case


class ManualClock:
    """A clock the test moves by hand, to watch deadlines pass."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def now(self) -> datetime:
        return self.moment


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2024, 3, 1, 9, 0, tzinfo=UTC))


@pytest.fixture
def clocked_client(settings_for_test: Settings, services: Endpoints,
                   clock: ManualClock) -> Iterator[TestClient]:
    built = bootstrap(settings_for_test, services, clock=clock)
    try:
        with TestClient(create_app(built), raise_server_exceptions=False) as test_client:
            test_client.headers.update(signed_in(built, Role.ADMIN))
            yield test_client
    finally:
        built.close()


def test_sla_is_measured_with_the_clock(clocked_client: TestClient, clock: ManualClock) -> None:
    client = clocked_client
    body = complaint(new_customer(client), first_response_minutes=10, resolution_minutes=100)
    base = f"/api/v1/cases/{open_case(client, body)}"

    def sla_after(minutes: int) -> dict[str, str]:
        clock.moment = datetime(2024, 3, 1, 9, 0, tzinfo=UTC) + timedelta(minutes=minutes)
        return dict(client.get(base).json()["sla"])

    assert sla_after(5) == {"response": "ok", "resolution": "ok"}
    assert sla_after(9) == {"response": "at_risk", "resolution": "ok"}
    assert sla_after(11) == {"response": "breached", "resolution": "ok"}
    assert client.post(f"{base}/first-response").status_code == 200
    assert sla_after(85) == {"response": "breached", "resolution": "at_risk"}
    assert client.post(f"{base}/resolve", json={"resolution_code": "fixed",
                                                "first_contact_resolution": False}).status_code == 200
    assert sla_after(500) == {"response": "breached", "resolution": "met"}
    assert client.get(base).json()["resolved_at"] == "2024-03-01T10:25:00Z"
