"""Requests at the edges of what the API takes: each answered with a problem naming what is
wrong (never a 500), nothing stored."""

from __future__ import annotations

from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from contact_center.bootstrap import Container
from tests.integration.event_counts import stored_event_count


@pytest.mark.parametrize(("path", "params"), [
    ("/api/v1/leaderboards", {"at": "9999-12-31T23:59:59Z"}),
    ("/api/v1/leaderboards", {"at": "0001-01-01T00:00:00+14:00"}),
    (f"/api/v1/agents/{uuid4()}/badges", {"at": "9999-12-31T23:59:59Z"}),
    (f"/api/v1/agents/{uuid4()}/points/explain", {"at": "9999-12-15T00:00:00Z"}),
    ("/api/v1/audit/leaderboards", {"as_of": "9999-12-31T23:59:59Z"}),
    (f"/api/v1/audit/cases/{uuid4()}", {"as_of": "9999-12-31T23:59:59-12:00"}),
    ("/api/v1/audit/export", {"from": "0001-01-01T00:00:00Z"}),
    (f"/api/v1/customers/{uuid4()}/timeline", {"since": "0001-01-01T00:00:00Z"}),
])
def test_instants_beyond_the_calendar_are_refused_by_name(client: TestClient, path: str,
                                                         params: dict[str, str]) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == f"query.{next(iter(params))}"


@pytest.mark.parametrize("if_match", ['"²"', '"' + "9" * 5000 + '"', "abc", '"-1"'])
def test_an_if_match_that_is_no_version_is_refused(client: TestClient, container: Container,
                                                   if_match: str) -> None:
    created = client.post("/api/v1/customers", json={"display_name": "Ada"})
    assert created.status_code == 201, created.text
    before = stored_event_count(container)
    response = client.put(f"/api/v1/customers/{created.json()['id']}/details",
                          json={"display_name": "Ada Lovelace"},
                          headers={"If-Match": if_match.encode("latin-1")})  # "²" as the byte 0xB2
    assert response.status_code == 422, response.text
    assert response.json()["title"] == "Invalid request"
    assert "If-Match" in response.json()["detail"]
    assert stored_event_count(container) == before


def test_if_match_star_means_any_current_version(client: TestClient) -> None:
    created = client.post("/api/v1/customers", json={"display_name": "Ada"})
    response = client.put(f"/api/v1/customers/{created.json()['id']}/details",
                          json={"display_name": "Ada Lovelace"}, headers={"If-Match": "*"})
    assert response.status_code == 200, response.text
    assert response.json()["version"] == 2


def test_a_wrong_method_is_told_which_ones_are_allowed(client: TestClient) -> None:
    response = client.delete("/api/v1/customers")
    assert response.status_code == 405
    assert response.json()["title"] == "Method not allowed"
    assert response.headers["allow"] == "POST"


@pytest.mark.parametrize("position", [10**6, 10**30])
def test_a_min_position_that_names_no_stored_event_is_refused_at_once(client: TestClient,
                                                                      position: int) -> None:
    customer = client.post("/api/v1/customers", json={"display_name": "Ada"}).json()["id"]
    response = client.get(f"/api/v1/customers/{customer}/timeline", params={"min_position": position})
    assert response.status_code == 422, response.text  # not 503 "retry shortly", forever
    assert response.json()["field"] == "min_position"
