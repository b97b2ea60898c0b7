"""Tables of one gamification version (``gamification_r<rules version>_v<N>_*``).

Every rules version builds its own set, so a new rules file is computed beside the live board.

| table | one row per | holds |
| --- | --- | --- |
| ``meta`` | (one) | rules version, fingerprint, time zone and the rules text it was built with |
| ``agents`` | agent | display name, current team, leaderboard consent, active |
| ``calls`` | call not yet settled | direction, queue, answering agent, durations, event ids |
| ``cases`` | case | kind, category, priority, deadline, assignee, resolver, what was paid |
| ``points`` | point | event id, rule, agent, points, event type, time and local day |
| ``days`` | agent and local day | net points (standings) and points earned (streak targets) |
| ``streak_days`` | agent, streak, day met | length of the run of met days ending that day |
| ``streaks`` | agent and streak | the longest run so far |
| ``badge_progress`` | award counted | the earliest ``threshold`` awards towards a count badge |
| ``badges`` | agent and badge | when it was earned (local day, time, completing event) |
"""

from __future__ import annotations

PARTS = ("meta", "agents", "calls", "cases", "points", "days", "streak_days", "streaks",
         "badge_progress", "badges")


def literal(text: str) -> str:
    """A SQL string literal (standard_conforming_strings is on in every supported PostgreSQL)."""
    return "'" + text.replace("'", "''") + "'"


class GamificationTables:
    """The table names of one version: ``tables.points`` is ``<prefix>_points``."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        (self.meta, self.agents, self.calls, self.cases, self.points, self.days, self.streak_days,
         self.streaks, self.badge_progress, self.badges) = (f"{prefix}_{part}" for part in PARTS)
        self.names = tuple(f"{prefix}_{part}" for part in PARTS)

    def ddl(self, rules_version: int, fingerprint: str, time_zone: str, rules_text: str) -> tuple[str, ...]:
        p = self.prefix
        stamp = (f"{rules_version}, {literal(fingerprint)}, {literal(time_zone)}, "
                 f"{literal(rules_text)}")
        refusal = literal(f"{p} was built with other rules or another time zone: bump `version` in "
                          "the rules file, or rebuild it (switchboard projections rebuild gamification)")
        return (
            f"CREATE TABLE IF NOT EXISTS {p}_meta (singleton boolean PRIMARY KEY DEFAULT true "
            "CHECK (singleton), rules_version int NOT NULL, fingerprint text NOT NULL, "
            "time_zone text NOT NULL, rules text NOT NULL)",
            f"INSERT INTO {p}_meta (rules_version, fingerprint, time_zone, rules) VALUES ({stamp}) "
            "ON CONFLICT DO NOTHING",
            # A worker must not add points under other rules to tables built with these ones.
            f"DO $$ BEGIN IF EXISTS (SELECT 1 FROM {p}_meta WHERE fingerprint <> "
            f"{literal(fingerprint)}) THEN RAISE EXCEPTION {refusal}; END IF; END $$",
            f"CREATE TABLE IF NOT EXISTS {p}_agents (agent_id uuid PRIMARY KEY, display_name text, "
            "team text, consent boolean NOT NULL DEFAULT false, active boolean NOT NULL DEFAULT true)",
            f"CREATE INDEX IF NOT EXISTS {p}_agents_team ON {p}_agents (team)",
            f"CREATE TABLE IF NOT EXISTS {p}_calls (interaction_id uuid PRIMARY KEY, direction text, "
            "queue text, agent_id uuid, answered_event text, answered_at timestamptz, "
            "wait_seconds double precision, ended_event text, ended_at timestamptz, "
            "talk_seconds double precision, hold_seconds double precision)",
            f"CREATE TABLE IF NOT EXISTS {p}_cases (case_id uuid PRIMARY KEY, kind text NOT NULL, "
            "category text NOT NULL, priority text NOT NULL, opened_at timestamptz NOT NULL, "
            "resolution_due timestamptz NOT NULL, assignee uuid, resolver uuid, "
            "resolution_paid boolean NOT NULL DEFAULT false, "
            "satisfaction_paid boolean NOT NULL DEFAULT false)",
            f"CREATE TABLE IF NOT EXISTS {p}_points (event_id text NOT NULL, rule_id text NOT NULL, "
            "agent_id uuid NOT NULL, points int NOT NULL, event_type text NOT NULL, "
            "earned_at timestamptz NOT NULL, day date NOT NULL, PRIMARY KEY (event_id, rule_id))",
            f"CREATE INDEX IF NOT EXISTS {p}_points_agent ON {p}_points (agent_id, day)",
            f"CREATE INDEX IF NOT EXISTS {p}_points_day ON {p}_points (day)",
            f"CREATE TABLE IF NOT EXISTS {p}_days (agent_id uuid NOT NULL, day date NOT NULL, "
            "points int NOT NULL, earned int NOT NULL, PRIMARY KEY (agent_id, day))",
            f"CREATE INDEX IF NOT EXISTS {p}_days_day ON {p}_days (day)",
            f"CREATE TABLE IF NOT EXISTS {p}_streak_days (agent_id uuid NOT NULL, streak_id text NOT NULL, "
            "day date NOT NULL, run int NOT NULL, PRIMARY KEY (agent_id, streak_id, day))",
            f"CREATE TABLE IF NOT EXISTS {p}_streaks (agent_id uuid NOT NULL, streak_id text NOT NULL, "
            "best int NOT NULL, PRIMARY KEY (agent_id, streak_id))",
            f"CREATE TABLE IF NOT EXISTS {p}_badge_progress (agent_id uuid NOT NULL, "
            "badge_id text NOT NULL, earned_at timestamptz NOT NULL, event_id text NOT NULL, "
            "PRIMARY KEY (agent_id, badge_id, event_id))",
            f"CREATE TABLE IF NOT EXISTS {p}_badges (agent_id uuid NOT NULL, badge_id text NOT NULL, "
            "earned_at timestamptz NOT NULL, day date NOT NULL, event_id text, "
            "PRIMARY KEY (agent_id, badge_id))",
        )
