"""Periods in the configured time zone, competition ranks, aliases and who sees names."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from contact_center.leaderboard_views import PUBLIC, AgentAliases, Period, Viewer, competition_ranks, span

BERLIN = ZoneInfo("Europe/Berlin")
ADA = UUID("00000000-0000-0000-0000-00000000000a")
BOB = UUID("00000000-0000-0000-0000-00000000000b")


def test_periods_are_local_days_weeks_and_months() -> None:
    late_sunday = datetime(2024, 3, 3, 23, 30, tzinfo=UTC)  # Monday 00:30 in Berlin
    assert (span(Period.DAY, late_sunday, BERLIN).first, span(Period.DAY, late_sunday, BERLIN).end) == (
        date(2024, 3, 4), date(2024, 3, 5))
    assert span(Period.DAY, late_sunday, ZoneInfo("UTC")).first == date(2024, 3, 3)
    week = span(Period.WEEK, late_sunday, BERLIN)
    assert (week.first, week.end) == (date(2024, 3, 4), date(2024, 3, 11))
    december = span(Period.MONTH, datetime(2024, 12, 31, 12, tzinfo=UTC), BERLIN)
    assert (december.first, december.end) == (date(2024, 12, 1), date(2025, 1, 1))


def test_a_period_across_the_clock_change_keeps_its_local_midnights() -> None:
    week = span(Period.WEEK, datetime(2024, 3, 31, 12, tzinfo=UTC), BERLIN)
    assert week.starts_at.isoformat() == "2024-03-25T00:00:00+01:00"
    assert week.ends_at.isoformat() == "2024-04-01T00:00:00+02:00"


def test_equal_points_share_a_rank() -> None:
    assert competition_ranks([40, 30, 30, 10, 10, 10, -5]) == [1, 2, 2, 4, 4, 4, 7]
    assert competition_ranks([]) == []


def test_aliases_are_stable_keyed_and_distinct() -> None:
    aliases = AgentAliases(b"secret")
    assert aliases(ADA) == aliases(ADA)
    assert aliases(ADA) != aliases(BOB)
    assert aliases(ADA) != AgentAliases(b"another secret")(ADA)
    assert aliases(ADA).startswith("Agent ")
    assert len(aliases(ADA)) == len("Agent ") + 8
    assert str(ADA) not in aliases(ADA)


def test_who_sees_a_name() -> None:
    assert PUBLIC.sees_name_of(ADA, consent=True)
    assert not PUBLIC.sees_name_of(ADA, consent=False)
    assert Viewer(admin=True).sees_name_of(ADA, consent=False)
    assert Viewer(agent_id=ADA).sees_name_of(ADA, consent=False)
    assert not Viewer(agent_id=BOB).sees_name_of(ADA, consent=False)
