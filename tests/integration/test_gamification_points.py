"""Points under the shipped rules file, through the whole pipeline: every rule type, the
guards, ranks with a tie, teams, explanations, pseudonymisation and replay identity."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from uuid import UUID

import pytest

from adapters.services.stack import Endpoints
from contact_center.roles import Role
from contact_center.settings import Settings
from tests.conftest import bearer_for
from tests.integration.gamification_requests import (
    ADMIN,
    FLOOR,
    Desk,
    dump,
    gamification,
    points_by_name,
    rebuild_from_scratch,
)
from tests.integration.read_model_requests import ManualClock, clocked_pipeline

MONDAY = datetime(2024, 3, 4, 8, 0, tzinfo=UTC)  # 09:00 in Berlin


@pytest.fixture
def desk(pipeline_settings: Settings, services: Endpoints) -> Iterator[Desk]:
    clock = ManualClock(MONDAY)
    with clocked_pipeline(pipeline_settings, services, clock) as (client, container):
        yield Desk(client, container, clock)


def test_every_rule_guard_and_tie(desk: Desk) -> None:
    ada = desk.agent("Ada", "north", consent=True)
    bob = desk.agent("Bob", "north")  # has not consented
    cy = desk.agent("Cy", "south", consent=True)
    dee = desk.agent("Dee", "south", consent=True)

    fast = desk.call(ada, wait=10, talk=60)  # inbound within 20 s (+5), ≥ 30 s talk (+2)
    desk.call(ada, wait=3, talk=5)  # shorter than the 10 s guard: nothing at all
    desk.call(bob, wait=25, talk=40)  # slow answer: only +2
    desk.call(cy, wait=2, talk=45, direction="outbound")  # not inbound: only +2
    desk.call(dee, wait=30, talk=31)  # +2
    fcr = desk.case(cy, minutes=5, fcr=True, csat=5)  # +20, CSAT 5 +15
    desk.post(f"/api/v1/cases/{fcr}/reopen", {"reason": "came back"})
    desk.post(f"/api/v1/cases/{fcr}/resolve", {"resolution_code": "fixed", "first_contact_resolution": True})
    desk.case(bob, kind="complaint", minutes=60)  # complaint inside its SLA: +30
    desk.case(dee, kind="complaint", minutes=60)  # +30
    breached = desk.case(ada, kind="complaint", minutes=45, deadline_minutes=30, csat=1)  # -10, -5
    desk.case(dee, minutes=0.5, fcr=True)  # resolved within the 60 s guard: nothing
    desk.case(None, minutes=5, fcr=True)  # nobody owns it: nobody earns
    desk.settle()

    board = desk.board("day", headers=ADMIN)
    assert board["rules_version"] == 1
    assert board["caught_up"] is True
    assert points_by_name(board) == {"Cy": 37, "Bob": 32, "Dee": 32, "Ada": -8}
    assert [(r["rank"], r["display_name"]) for r in board["agents"]] == [
        (1, "Cy"), (2, "Bob"), (2, "Dee"), (4, "Ada")]
    assert [(t["rank"], t["team"], t["points"], t["agents"]) for t in board["teams"]] == [
        (1, "south", 69, 2), (2, "north", 24, 2)]
    assert board["time_zone"] == "Europe/Berlin"
    assert board["starts_at"] == "2024-03-04T00:00:00+01:00"

    north = desk.board("month", headers=ADMIN, team="north")
    assert points_by_name(north) == {"Bob": 32, "Ada": -8}
    assert [t["team"] for t in north["teams"]] == ["north"]

    explained = desk.explain(ada, "week")
    assert explained["total"] == -8
    assert [(p["rule_id"], p["points"], p["event_id"], p["event_type"]) for p in explained["points"]] == [
        ("inbound_answered_fast", 5, f"{fast}:2", "switchboard.interaction.call_answered"),
        ("call_completed", 2, f"{fast}:3", "switchboard.interaction.call_ended"),
        ("sla_breached", -10, f"{breached}:3", "switchboard.case.resolved"),
        ("csat_1", -5, f"{breached}:4", "switchboard.case.satisfaction_recorded")]
    assert explained["points"][0]["rule"] == "Inbound call answered within 20 s"
    assert [p["rule_id"] for p in desk.explain(cy)["points"]] == [
        "call_completed", "first_contact_resolution", "csat_5"]  # the re-resolution paid nothing

    before = dump(desk.container, gamification(desk.container))
    rebuild_from_scratch(desk.container, gamification(desk.container))
    assert dump(desk.container, gamification(desk.container)) == before
    assert desk.board("day", headers=ADMIN) == board


def test_agents_without_consent_are_pseudonymised(desk: Desk) -> None:
    ada = desk.agent("Ada", "north", consent=True)
    bob = desk.agent("Bob", "north")
    desk.call(ada, wait=5, talk=40)
    desk.call(bob, wait=5, talk=40)
    desk.settle()

    public = desk.board()["agents"]
    alias = next(r for r in public if r["display_name"] != "Ada")
    assert alias["agent_id"] is None
    assert alias["display_name"] == alias["alias"]
    assert alias["alias"].startswith("Agent ")
    assert "Bob" not in str(public)
    assert desk.board()["agents"] == public  # the alias is stable
    assert {r["display_name"] for r in desk.board(headers=ADMIN)["agents"]} == {"Ada", "Bob"}
    as_bob = desk.board(headers=ADMIN, as_agent=bob)["agents"]
    assert {r["display_name"] for r in as_bob} == {"Ada", "Bob"}
    as_ada = desk.board(headers=ADMIN, as_agent=ada)["agents"]
    assert {r["display_name"] for r in as_ada} == {"Ada", alias["alias"]}

    assert desk.client.get("/api/v1/leaderboards", params={"as_agent": bob}, headers=FLOOR).status_code == 403
    as_bob_himself = desk.board(headers=bearer_for(Role.AGENT, "bob", agent_id=UUID(bob)))["agents"]
    assert {r["display_name"] for r in as_bob_himself} == {"Ada", "Bob"}
    wrong_token = {"Authorization": "Bearer nope"}
    assert desk.client.get("/api/v1/leaderboards", headers=wrong_token).status_code == 401
    assert desk.client.get("/api/v1/leaderboards", headers=bearer_for(Role.INTEGRATION)).status_code == 403
    assert desk.client.get(f"/api/v1/agents/{bob}/points/explain", headers=FLOOR).status_code == 403
    assert desk.client.get(f"/api/v1/agents/{bob}/badges", headers=FLOOR).status_code == 403
    assert desk.explain(bob, headers=ADMIN, as_agent=bob)["total"] == 7
    assert desk.explain(ada)["total"] == 7

    desk.consent(bob, True)
    desk.settle()
    assert {r["display_name"] for r in desk.board()["agents"]} == {"Ada", "Bob"}
    assert desk.client.get(f"/api/v1/agents/{bob}/badges", headers=FLOOR).status_code == 200


def test_periods_follow_the_configured_time_zone(desk: Desk) -> None:
    ada = desk.agent("Ada", consent=True)
    desk.clock.moment = datetime(2024, 2, 29, 12, 0, tzinfo=UTC)
    desk.call(ada, wait=5, talk=40)  # February: +7
    desk.clock.moment = datetime(2024, 3, 3, 22, 29, tzinfo=UTC)  # Sunday 23:29 in Berlin
    desk.call(ada, wait=5, talk=40)  # answered 23:29:05, ended 23:29:45: still Sunday
    desk.clock.moment = datetime(2024, 3, 3, 23, 10, tzinfo=UTC)  # Monday 00:10 in Berlin
    desk.call(ada, wait=5, talk=40)
    desk.settle()

    def total(period: str, at: str) -> int:
        return int(desk.explain(ada, period, at=at)["total"])

    monday, sunday = "2024-03-04T12:00:00+01:00", "2024-03-03T12:00:00+01:00"
    assert (total("day", monday), total("week", monday), total("month", monday)) == (7, 7, 14)
    assert (total("day", sunday), total("week", sunday), total("month", sunday)) == (7, 14, 14)
    assert total("month", "2024-02-29T22:30:00Z") == 7  # 23:30 on 29 February in Berlin
    assert total("month", "2024-02-29T23:30:00Z") == 14  # 00:30 on 1 March in Berlin
    assert points_by_name(desk.board("week", at=sunday)) == {"Ada": 14}

    assert desk.client.get("/api/v1/leaderboards", params={"period": "year"}).status_code == 422
    naive = desk.client.get("/api/v1/leaderboards", params={"at": "2024-03-04T12:00:00"})
    assert naive.status_code == 422
    assert desk.client.get(f"/api/v1/agents/{ada}/points/explain",
                           params={"period": "fortnight"}).status_code == 422
    assert desk.client.get("/api/v1/agents/00000000-0000-0000-0000-000000000001/badges").status_code == 404
