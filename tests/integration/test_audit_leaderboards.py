"""Leaderboards as of an instant, replayed from the event store: a week and a half of calls and
cases, with team moves, renames and consent changes between them, through the whole pipeline.
While the history is written the live board is captured at several instants; afterwards the
audit replay at each of those instants must give the same standings, though the live tables
have moved on since."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.services.stack import Endpoints
from contact_center.access_log import access_log_id
from contact_center.settings import Settings
from domain.access_log_events import RecordViewed
from tests.integration.audit_requests import AUDITOR
from tests.integration.gamification_requests import ADMIN, Desk
from tests.integration.read_model_requests import ManualClock, clocked_pipeline

MONDAY = datetime(2024, 3, 4, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
RULES = """
version = 3
name = "audit replay"
[guards]
min_talk_seconds = 10
min_case_seconds = 60

[[rules]]
id = "inbound_answered_fast"
event = "call_answered"
points = 5
when = { direction = "inbound", wait_seconds = { max = 20 } }

[[rules]]
id = "call_completed"
event = "call_ended"
points = 2
when = { talk_seconds = { min = 30 } }

[[rules]]
id = "first_contact_resolution"
event = "case_resolved"
points = 20
when = { first_contact_resolution = true }

[[rules]]
id = "csat_1"
event = "satisfaction_recorded"
points = -5
when = { score = 1 }

[[badges]]
id = "calls_3"
name = "Three calls"
kind = "count"
rules = ["call_completed"]
threshold = 3
"""
PERIODS = ("day", "week", "month")
COMPARED = ("rules_version", "period", "time_zone", "starts_at", "ends_at", "agents", "teams")


@pytest.fixture
def desk(pipeline_settings: Settings, services: Endpoints, tmp_path: Path) -> Iterator[Desk]:
    (tmp_path / "rules.toml").write_text(RULES)
    settings = pipeline_settings.model_copy(update={
        "gamification_rules": tmp_path / "rules.toml"})
    clock = ManualClock(MONDAY)
    with clocked_pipeline(settings, services, clock) as (client, container):
        yield Desk(client, container, clock)


def captured(desk: Desk, team: str | None = None) -> dict[str, dict[str, Any]]:
    """The live board (every name shown) of each period containing the clock's moment."""
    desk.settle()
    extra = {} if team is None else {"team": team}
    return {period: desk.board(period, headers=ADMIN, **extra) for period in PERIODS}


def as_of(desk: Desk, moment: datetime, period: str, **params: str) -> dict[str, Any]:
    response = desk.client.get("/api/v1/audit/leaderboards", headers=AUDITOR,
                               params={"period": period, "as_of": moment.isoformat(), **params})
    assert response.status_code == 200, response.text
    return dict(response.json())


def same_board(replayed: dict[str, Any], live: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    return {name: replayed[name] for name in COMPARED}, {name: live[name] for name in COMPARED}


def test_leaderboards_as_of_several_instants_equal_the_live_board_then(desk: Desk) -> None:
    before_anything = desk.clock.moment - timedelta(minutes=1)
    ada = desk.agent("Ada", "north", consent=True)
    bob = desk.agent("Bob", "north")
    cy = desk.agent("Cy", "south", consent=True)
    desk.call(ada, wait=5, talk=60)  # +5 +2
    desk.call(bob, wait=30, talk=40)  # +2
    desk.case(cy, minutes=5, fcr=True)  # +20
    moments = {"monday": desk.clock.moment}
    boards = {"monday": captured(desk)}
    north_monday = captured(desk, team="north")

    desk.clock.moment = MONDAY + timedelta(days=1)  # Tuesday
    desk.post(f"/api/v1/agents/{bob}/team", {"team": "south"})
    desk.post(f"/api/v1/agents/{ada}/rename", {"display_name": "Ada L."})
    desk.call(bob, wait=3, talk=50)  # +7
    desk.call(ada, wait=4, talk=35)  # +7
    desk.call(ada, wait=8, talk=5)  # under the talk guard: nothing
    moments["tuesday"], boards["tuesday"] = desk.clock.moment, captured(desk)

    desk.clock.moment = MONDAY + timedelta(days=3, hours=2)  # Thursday
    desk.consent(cy, False)
    desk.call(ada, wait=2, talk=45)  # +7, Ada's third completed call: the badge
    desk.case(cy, minutes=10, csat=1)  # -5
    desk.post(f"/api/v1/agents/{bob}/deactivate")
    moments["thursday"], boards["thursday"] = desk.clock.moment, captured(desk)

    desk.clock.moment = MONDAY + timedelta(days=7, hours=1)  # the next Monday, same month
    desk.call(cy, wait=1, talk=90)  # +7
    desk.post(f"/api/v1/agents/{cy}/team", {"team": "west"})
    moments["next monday"], boards["next monday"] = desk.clock.moment, captured(desk)

    # The live tables have moved on: Monday's board read now shows Bob in south, Ada renamed.
    monday_now = desk.board("day", headers=ADMIN, at=moments["monday"].isoformat())
    assert monday_now["agents"] != boards["monday"]["day"]["agents"]

    for day, moment in moments.items():
        for period in PERIODS:
            replayed, live = same_board(as_of(desk, moment, period), boards[day][period])
            assert replayed == live, (day, period)
    assert [(r["display_name"], r["team"], r["points"], r["badges"])
            for r in boards["thursday"]["week"]["agents"]] == [
        ("Ada L.", "north", 21, 1), ("Cy", "south", 15, 0), ("Bob", "south", 9, 0)]

    replayed, live = same_board(as_of(desk, moments["monday"], "day", team="north"), north_monday["day"])
    assert replayed == live
    assert [t["team"] for t in replayed["teams"]] == ["north"]
    monday = as_of(desk, moments["monday"], "week")
    assert monday["as_of"] == moments["monday"].isoformat().replace("+00:00", "Z")
    assert monday["caught_up"] is True
    assert monday["events_applied"] > 0

    empty = as_of(desk, before_anything, "month")
    assert (empty["agents"], empty["teams"], empty["events_applied"]) == ([], [], 0)
    assert empty["starts_at"] == "2024-03-01T00:00:00+01:00"

    log = access_log_id(None, desk.clock.moment.date())  # reads about no one subject: the day's
    reads = [e for e in desk.container.app.events.get(log)
             if isinstance(e, RecordViewed) and e.what == "leaderboard"]
    assert len(reads) == len(moments) * len(PERIODS) + 3
    assert {e.viewer for e in reads} == {"auditor:ines"}
    assert reads[-1].query == {"period": "month", "as_of": before_anything.isoformat()}


@pytest.mark.parametrize(("params", "field"), [
    ({"period": "year", "as_of": "2024-03-04T10:00:00Z"}, "period"),
    ({"period": "day", "as_of": "yesterday"}, "as_of"),
    ({"period": "day", "as_of": "2024-03-04T10:00:00"}, "as_of"),
    ({"period": "day"}, "as_of"),
])
def test_bad_leaderboard_queries_are_problems(desk: Desk, params: dict[str, str], field: str) -> None:
    response = desk.client.get("/api/v1/audit/leaderboards", headers=AUDITOR, params=params)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in response.json()["detail"]
    refused = desk.client.get("/api/v1/audit/leaderboards", params={"as_of": "2024-03-04T10:00:00Z"},
                              headers={"Authorization": ""})
    assert refused.status_code == 401
