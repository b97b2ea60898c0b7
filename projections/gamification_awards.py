"""Giving one award: the point row, the agent's day, streak targets, count badges.

The point row is the explainable history (event id, rule, time) and is subject to retention:
a point whose local day is before ``keep_from()`` is not written. The day totals, streaks and
badges it feeds are computed from every award, so a replay of the whole log reaches the same
achievements as the live board did.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from projections.base import Tx
from projections.gamification_model import Badge, Rule, Rules
from projections.gamification_streaks import StreakKeeper, earn_badge
from projections.gamification_tables import GamificationTables


@dataclass(frozen=True)
class Award:
    rule: Rule
    agent_id: UUID
    event_id: str
    event_type: str  # versionless: switchboard.interaction.call_answered
    at: datetime


class Awards:
    def __init__(self, tables: GamificationTables, rules: Rules, zone: ZoneInfo,
                 keep_from: Callable[[], date]) -> None:
        self.t = tables
        self.rules = rules
        self.zone = zone
        self.keep_from = keep_from
        self.streaks = StreakKeeper(tables, rules, zone)

    def give(self, tx: Tx, award: Award) -> None:
        t, points = self.t, award.rule.points
        # Workers sharing the partitions would otherwise read one agent's day, runs and badge
        # evidence past each other's uncommitted writes.
        tx.write("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"{t.prefix}:{award.agent_id}",))
        day = self.day_of(award.at)
        if day >= self.keep_from():
            tx.write(f"INSERT INTO {t.points} (event_id, rule_id, agent_id, points, event_type, earned_at, "
                       "day) VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                       (award.event_id, award.rule.id, award.agent_id, points, award.event_type,
                        award.at, day))
        earned = max(points, 0)
        row = tx.fetchone(
            f"INSERT INTO {t.days} AS d (agent_id, day, points, earned) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (agent_id, day) DO UPDATE SET points = d.points + EXCLUDED.points, "
            "earned = d.earned + EXCLUDED.earned RETURNING earned",
            (award.agent_id, day, points, earned))
        after = int(row[0]) if row else earned
        for streak in self.rules.streaks:
            if after - earned < streak.min_points <= after:
                self.streaks.day_met(tx, streak, award.agent_id, day)
        for badge in self.rules.counting(award.rule.id):
            self._count(tx, badge, award)

    def day_of(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def _count(self, tx: Tx, badge: Badge, award: Award) -> None:
        """Keep the agent's earliest ``threshold`` awards towards the badge; once there are that
        many, the badge is earned at the latest of them. An award arriving late but earlier in
        time pushes the latest out, so the badge ends at the same award in any order."""
        t, key = self.t, (award.agent_id, badge.id)
        where = f"FROM {t.badge_progress} WHERE agent_id = %s AND badge_id = %s"
        latest = f"SELECT earned_at, event_id {where} ORDER BY earned_at DESC, event_id DESC LIMIT 1"
        row = tx.fetchone(f"SELECT count(*) {where}", key)
        counted = int(row[0]) if row else 0
        if counted >= badge.threshold:
            last = tx.fetchone(latest, key)
            if last is None or (award.at, award.event_id) > (last[0], str(last[1])):
                return
            tx.write(f"DELETE {where} AND event_id = %s", (*key, last[1]))
            counted -= 1
        tx.write(f"INSERT INTO {t.badge_progress} (agent_id, badge_id, earned_at, event_id) "
                   "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING", (*key, award.at, award.event_id))
        if counted + 1 == badge.threshold:
            completing = tx.fetchone(latest, key)
            if completing is not None:
                at, event_id = completing
                earn_badge(tx, t, award.agent_id, badge.id, at, self.day_of(at), str(event_id))
