"""Badges at their thresholds and a streak over consecutive days, written on different days
with a hand-moved clock; a replay from offset 0 rebuilds the same tables."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.services.stack import Endpoints
from contact_center.settings import Settings
from tests.integration.gamification_requests import Desk, dump, gamification, rebuild_from_scratch
from tests.integration.read_model_requests import ManualClock, clocked_pipeline

RULES = """
version = 5
[guards]
min_talk_seconds = 10

[[rules]]
id = "call_completed"
event = "call_ended"
points = 10
when = { talk_seconds = { min = 30 } }

[[rules]]
id = "csat_1"
event = "satisfaction_recorded"
points = -50
when = { score = 1 }

[[streaks]]
id = "daily"
name = "Daily target"
min_points = 20

[[badges]]
id = "three_calls"
name = "3 calls"
kind = "count"
rules = ["call_completed"]
threshold = 3

[[badges]]
id = "three_days"
name = "Three days in a row"
kind = "streak"
streak = "daily"
days = 3

[[badges]]
id = "perfect_week"
name = "Perfect week"
kind = "perfect_week"
streak = "daily"
weekdays = ["mon", "tue", "wed"]
"""


def day(number: int, hour: int = 9) -> datetime:
    """A day of March 2024 (4 March is a Monday), at ``hour`` UTC."""
    return datetime(2024, 3, number, hour, 0, tzinfo=UTC)


@pytest.fixture
def desk(pipeline_settings: Settings, services: Endpoints, tmp_path: Path) -> Iterator[Desk]:
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES)
    clock = ManualClock(day(4))
    settings = pipeline_settings.model_copy(update={"gamification_rules": rules})
    with clocked_pipeline(settings, services, clock) as (client, container):
        yield Desk(client, container, clock)


def test_badges_and_streaks(desk: Desk) -> None:
    ada = desk.agent("Ada", consent=True)
    bob = desk.agent("Bob", consent=True)
    desk.call(ada, wait=5, talk=40)
    desk.call(ada, wait=5, talk=40)  # Monday: 20 points, the target
    desk.call(bob, wait=5, talk=40)
    desk.call(bob, wait=5, talk=40)
    desk.case(bob, minutes=5, csat=1)  # a deduction does not take back a met day
    desk.clock.moment = day(5)
    third = desk.call(ada, wait=5, talk=40)  # the third call: "3 calls"
    desk.call(ada, wait=5, talk=5)  # too short to count
    desk.call(ada, wait=5, talk=40)  # Tuesday met
    desk.clock.moment = day(6)
    desk.call(ada, wait=5, talk=40)
    desk.call(bob, wait=5, talk=40)
    desk.clock.moment = day(6, hour=15)
    desk.call(ada, wait=5, talk=40)  # Wednesday met: three days, a perfect (Mon–Wed) week
    desk.call(bob, wait=5, talk=40)  # Bob met Monday and Wednesday, not Tuesday
    desk.clock.moment = day(8)
    desk.call(ada, wait=5, talk=40)  # Friday: 10 points, not met
    desk.settle()

    earned = desk.badges(ada, at="2024-03-06T18:00:00+01:00")
    assert earned["rules_version"] == 5
    badges = {b["id"]: b for b in earned["badges"]}
    assert set(badges) == {"three_calls", "three_days", "perfect_week"}
    assert badges["three_calls"]["event_id"] == f"{third}:3"
    assert badges["three_calls"]["earned_at"] == "2024-03-05T09:00:45Z"
    assert badges["three_calls"]["earned_on"] == "2024-03-05"
    for streak_badge in ("three_days", "perfect_week"):
        assert (badges[streak_badge]["earned_on"], badges[streak_badge]["event_id"]) == ("2024-03-06", None)
        assert badges[streak_badge]["earned_at"] == "2024-03-05T23:00:00Z"  # Wednesday, 00:00 in Berlin
    assert earned["streaks"] == [{"id": "daily", "name": "Daily target", "min_points": 20, "current": 3,
                                  "best": 3, "last_day": "2024-03-06"}]

    thursday = desk.badges(ada, at="2024-03-07T12:00:00+01:00")["streaks"][0]
    assert (thursday["current"], thursday["best"]) == (3, 3)  # alive until Thursday ends
    friday = desk.badges(ada, at="2024-03-08T12:00:00+01:00")["streaks"][0]
    assert (friday["current"], friday["best"], friday["last_day"]) == (0, 3, "2024-03-06")

    bobs = desk.badges(bob, at="2024-03-06T18:00:00+01:00")
    assert [b["id"] for b in bobs["badges"]] == ["three_calls"]
    assert bobs["streaks"][0]["best"] == 1

    week = desk.board("week", at="2024-03-06T18:00:00+01:00")
    assert {r["display_name"]: (r["points"], r["badges"]) for r in week["agents"]} == {
        "Ada": (70, 3), "Bob": (-10, 1)}
    monday = desk.board("day", at="2024-03-04T18:00:00+01:00")
    assert {r["display_name"]: r["badges"] for r in monday["agents"]} == {"Ada": 0, "Bob": 0}

    projection = gamification(desk.container)
    before = dump(desk.container, projection)
    rebuild_from_scratch(desk.container, projection)
    assert dump(desk.container, projection) == before
    assert desk.board("week", at="2024-03-06T18:00:00+01:00") == week
    assert desk.badges(ada, at="2024-03-06T18:00:00+01:00") == earned
