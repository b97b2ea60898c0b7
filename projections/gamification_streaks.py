"""Streaks and the badges that days earn: runs of days that met a target, perfect weeks.

Everything here is built so that the result does not depend on the order events arrive in
(a replay reads the Kafka partitions in an order of its own):

- a day *meets* a streak's target once the points earned that day reach it, and earned points
  only grow, so a met day stays met;
- each met day stores ``run``, the length of the run of met days ending there; a day met late
  (an event from a lagging partition) lengthens the runs of the met days right after it;
- a day-based badge keeps the earliest day that earned it, and as days are only ever added,
  that is the same earliest day whatever the order.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from projections.base import Tx
from projections.gamification_model import Badge, Rules, Streak
from projections.gamification_tables import GamificationTables


def earn_badge(tx: Tx, t: GamificationTables, agent_id: UUID, badge_id: str, earned_at: datetime,
               day: date, event_id: str | None) -> None:
    """Record the badge, or move it to an earlier moment; a later one changes nothing."""
    tx.write(
        f"INSERT INTO {t.badges} AS b (agent_id, badge_id, earned_at, day, event_id) "
        "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (agent_id, badge_id) DO UPDATE SET "
        "earned_at = EXCLUDED.earned_at, day = EXCLUDED.day, event_id = EXCLUDED.event_id "
        "WHERE (EXCLUDED.earned_at, coalesce(EXCLUDED.event_id, '')) "
        "< (b.earned_at, coalesce(b.event_id, ''))",
        (agent_id, badge_id, earned_at, day, event_id))


class StreakKeeper:
    def __init__(self, tables: GamificationTables, rules: Rules, zone: ZoneInfo) -> None:
        self.t = tables
        self.rules = rules
        self.zone = zone

    def day_met(self, tx: Tx, streak: Streak, agent_id: UUID, day: date) -> None:
        """``day`` has just met ``streak``'s target for the agent."""
        t = self.t
        before = tx.fetchone(f"SELECT run FROM {t.streak_days} WHERE agent_id = %s AND streak_id = %s "
                             "AND day = %s", (agent_id, streak.id, day - timedelta(days=1)))
        run = 1 + (int(before[0]) if before else 0)
        tx.write(f"INSERT INTO {t.streak_days} (agent_id, streak_id, day, run) VALUES (%s, %s, %s, %s)",
                   (agent_id, streak.id, day, run))
        last = self._run_end(tx, streak, agent_id, day)
        if last > day:
            tx.write(f"UPDATE {t.streak_days} SET run = %(run)s + (day - %(day)s) "
                       "WHERE agent_id = %(agent)s AND streak_id = %(streak)s "
                       "AND day > %(day)s AND day <= %(last)s",
                       {"run": run, "day": day, "last": last, "agent": agent_id, "streak": streak.id})
        longest = run + (last - day).days
        tx.write(f"INSERT INTO {t.streaks} AS s (agent_id, streak_id, best) VALUES (%s, %s, %s) "
                   "ON CONFLICT (agent_id, streak_id) DO UPDATE SET best = greatest(s.best, EXCLUDED.best)",
                   (agent_id, streak.id, longest))
        for badge in self.rules.on_streak(streak.id):
            if badge.kind == "streak" and longest >= badge.days:
                # The first day of [day, last] whose run reaches the badge's length.
                self._earn_on(tx, agent_id, badge, day + timedelta(days=max(0, badge.days - run)))
            elif badge.kind == "perfect_week" and day.weekday() in badge.weekdays:
                self._perfect_week(tx, streak, agent_id, badge, day)

    def _run_end(self, tx: Tx, streak: Streak, agent_id: UUID, day: date) -> date:
        """The last met day of the run that ``day`` now belongs to."""
        later = tx.fetchall(f"SELECT day FROM {self.t.streak_days} WHERE agent_id = %s AND streak_id = %s "
                            "AND day > %s ORDER BY day", (agent_id, streak.id, day))
        last = day
        for (following,) in later:
            if following != last + timedelta(days=1):
                break
            last = following
        return last

    def _perfect_week(self, tx: Tx, streak: Streak, agent_id: UUID, badge: Badge, day: date) -> None:
        monday = day - timedelta(days=day.weekday())
        wanted = [monday + timedelta(days=weekday) for weekday in badge.weekdays]
        row = tx.fetchone(f"SELECT count(*) FROM {self.t.streak_days} WHERE agent_id = %s "
                          "AND streak_id = %s AND day = ANY(%s)", (agent_id, streak.id, wanted))
        if row is not None and int(row[0]) == len(wanted):
            self._earn_on(tx, agent_id, badge, max(wanted))

    def _earn_on(self, tx: Tx, agent_id: UUID, badge: Badge, day: date) -> None:
        """A day-based badge is dated by the day that completed it (local midnight)."""
        earn_badge(tx, self.t, agent_id, badge.id, datetime.combine(day, time(), tzinfo=self.zone), day,
                   None)
