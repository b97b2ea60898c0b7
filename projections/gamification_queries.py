"""Reading the gamification tables of one version: standings, points, badges, streaks,
which versions exist, and pruning point history past its retention."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from projections.base import Tx
from projections.gamification_tables import GamificationTables

_META = re.compile(r"^(gamification_r(\d+)_v\d+)_meta$")


@dataclass(frozen=True)
class BoardVersion:
    name: str  # the projection's full name, also its tables' prefix
    rules_version: int
    fingerprint: str
    time_zone: str
    rules_text: str

    @property
    def tables(self) -> GamificationTables:
        return GamificationTables(self.name)


@dataclass(frozen=True)
class Standing:
    agent_id: UUID
    display_name: str | None
    team: str | None
    consent: bool
    points: int
    badges: int


@dataclass(frozen=True)
class AgentEntry:
    agent_id: UUID
    display_name: str | None
    team: str | None
    consent: bool


@dataclass(frozen=True)
class PointRow:
    event_id: str
    event_type: str
    rule_id: str
    points: int
    earned_at: datetime


@dataclass(frozen=True)
class BadgeRow:
    badge_id: str
    earned_at: datetime
    day: date
    event_id: str | None


@dataclass(frozen=True)
class StreakRow:
    streak_id: str
    best: int
    last_day: date | None  # the latest met day on or before the day asked about
    run: int  # the run ending on last_day


@dataclass(frozen=True)
class Pruned:
    points: int
    days: int
    streak_days: int


def versions(tx: Tx) -> list[BoardVersion]:
    """Every version with tables in this schema, newest rules first."""
    rows = tx.fetchall("SELECT table_name FROM information_schema.tables WHERE table_schema = "
                       "current_schema() AND table_name LIKE %s", ("gamification\\_r%\\_meta",))
    found = []
    for (table,) in rows:
        match = _META.match(str(table))
        if match is None:
            continue
        meta = tx.fetchone(f"SELECT rules_version, fingerprint, time_zone, rules FROM {table}")
        if meta is not None:
            found.append(BoardVersion(match.group(1), int(meta[0]), str(meta[1]), str(meta[2]),
                                      str(meta[3])))
    return sorted(found, key=lambda v: (v.rules_version, v.name), reverse=True)


def stored_offsets(tx: Tx, projection: str, topic: str) -> dict[int, int]:
    rows = tx.fetchall("SELECT partition, next_offset FROM projection_offsets WHERE projection = %s "
                       "AND topic = %s", (projection, topic))
    return {int(partition): int(offset) for partition, offset in rows}


def standings(tx: Tx, t: GamificationTables, first: date, end: date,
              badges_before: datetime) -> list[Standing]:
    """Active agents and anyone with points on the days ``[first, end)``, with their net
    points then and the badges they had earned before ``badges_before``."""
    rows = tx.fetchall(
        f"WITH totals AS (SELECT agent_id, sum(points)::int AS points FROM {t.days} "
        "WHERE day >= %(first)s AND day < %(end)s GROUP BY agent_id), "
        f"earned AS (SELECT agent_id, count(*)::int AS badges FROM {t.badges} "
        "WHERE earned_at < %(before)s GROUP BY agent_id) "
        "SELECT coalesce(a.agent_id, s.agent_id), a.display_name, a.team, coalesce(a.consent, false), "
        "coalesce(s.points, 0), coalesce(e.badges, 0) "
        f"FROM {t.agents} a FULL JOIN totals s ON s.agent_id = a.agent_id "
        "LEFT JOIN earned e ON e.agent_id = coalesce(a.agent_id, s.agent_id) "
        "WHERE a.active OR s.agent_id IS NOT NULL",
        {"first": first, "end": end, "before": badges_before})
    return [Standing(UUID(str(r[0])), r[1], r[2], bool(r[3]), int(r[4]), int(r[5])) for r in rows]


def agent(tx: Tx, t: GamificationTables, agent_id: UUID) -> AgentEntry | None:
    row = tx.fetchone(f"SELECT display_name, team, consent FROM {t.agents} WHERE agent_id = %s",
                      (agent_id,))
    if row is not None:
        return AgentEntry(agent_id, row[0], row[1], bool(row[2]))
    # Points may name an agent whose onboarding this version has not seen (yet).
    seen = tx.fetchone(f"SELECT 1 FROM {t.days} WHERE agent_id = %s LIMIT 1", (agent_id,))
    return None if seen is None else AgentEntry(agent_id, None, None, False)


def points(tx: Tx, t: GamificationTables, agent_id: UUID, first: date, end: date) -> list[PointRow]:
    rows = tx.fetchall(f"SELECT event_id, event_type, rule_id, points, earned_at FROM {t.points} "
                       "WHERE agent_id = %s AND day >= %s AND day < %s ORDER BY earned_at, event_id, rule_id",
                       (agent_id, first, end))
    return [PointRow(str(r[0]), str(r[1]), str(r[2]), int(r[3]), r[4]) for r in rows]


def badges(tx: Tx, t: GamificationTables, agent_id: UUID) -> list[BadgeRow]:
    rows = tx.fetchall(f"SELECT badge_id, earned_at, day, event_id FROM {t.badges} WHERE agent_id = %s "
                       "ORDER BY earned_at, badge_id", (agent_id,))
    return [BadgeRow(str(r[0]), r[1], r[2], None if r[3] is None else str(r[3])) for r in rows]


def streaks(tx: Tx, t: GamificationTables, agent_id: UUID, on: date) -> list[StreakRow]:
    rows = tx.fetchall(
        f"SELECT s.streak_id, s.best, d.day, d.run FROM {t.streaks} s LEFT JOIN LATERAL "
        f"(SELECT day, run FROM {t.streak_days} WHERE agent_id = s.agent_id AND streak_id = s.streak_id "
        "AND day <= %s ORDER BY day DESC LIMIT 1) d ON true WHERE s.agent_id = %s ORDER BY s.streak_id",
        (on, agent_id))
    return [StreakRow(str(r[0]), int(r[1]), r[2], int(r[3] or 0)) for r in rows]


def prune(tx: Tx, t: GamificationTables, before: date, *, dry_run: bool) -> Pruned:
    """Per-agent point history (point rows, day totals, met days) of days before ``before``."""
    counts = []
    for table in (t.points, t.days, t.streak_days):
        if dry_run:
            row = tx.fetchone(f"SELECT count(*) FROM {table} WHERE day < %s", (before,))
            counts.append(int(row[0]) if row else 0)
        else:
            counts.append(tx.execute(f"DELETE FROM {table} WHERE day < %s", (before,)))
    return Pruned(*counts)
