"""Gamification: points, badges and streaks per agent, from the rules file of one version.

``full_name`` carries the rules version (``gamification_r3_v1``), so a new rules file builds
new tables under a new consumer group from offset 0, beside the board in use
(:mod:`contact_center.board_versions` picks the one to serve).

Who earns: for a call, the agent who answered it; for a case, its assignee when it was first
resolved (the *resolver*, kept here). When rules fire:

- **Calls** settle once the projection knows the ring (direction, queue), the answer (agent,
  wait) and the normal end (talk and hold time), in whatever order those arrive (an unknown
  caller's events move partitions when linked). Then the ``call_answered`` rules are dated by
  the answer and the ``call_ended`` rules by the end. A call with less talk than the
  ``min_talk_seconds`` guard earns nothing; an unanswered call never settles.
- **Cases** pay their ``case_resolved`` rules once, at the first resolution (a reopened and
  re-resolved case pays nothing more), unless resolved sooner than the ``min_case_seconds``
  guard after opening. ``within_sla`` is whether it was resolved by its resolution deadline:
  that is how a breach shows in the stream, since a deadline passing is no event.
  ``satisfaction_recorded`` rules pay the resolver once per case.

Case events share one partition (the customer's) and agent events one (the agent's), so they
arrive in order; what spans partitions is written so that any order gives the same tables
(see :mod:`projections.gamification_streaks`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from projections.base import Handler, ProjectedEvent, Projection, Tx
from projections.gamification_awards import Award, Awards
from projections.gamification_model import Fact, Rules
from projections.gamification_tables import GamificationTables

CALL, CASE, AGENT = "switchboard.interaction.", "switchboard.case.", "switchboard.agent."
UNANSWERED = ("call_missed", "call_abandoned", "call_ended_busy", "voicemail_left", "call_forwarded")


class GamificationProjection(Projection):
    name = "gamification"
    version = 1

    def __init__(self, rules: Rules, rules_text: str, time_zone: str, retention_days: int,
                 now: Callable[[], datetime], table_prefix: str | None = None) -> None:
        self.rules = rules
        self.rules_text, self.time_zone, self.retention_days = rules_text, time_zone, retention_days
        self.zone = ZoneInfo(time_zone)
        # Another prefix applies the same rules into other tables: an audit replay's scratch
        # tables, whose agent locks must not wait on the live workers'.
        self.t = GamificationTables(table_prefix or self.full_name)
        self.tables = self.t.ddl(rules.version, rules.fingerprint(time_zone), time_zone, rules_text)
        self.table_names = self.t.names
        self.retention = timedelta(days=retention_days)
        self.now = now
        self.awards = Awards(self.t, rules, self.zone, self.keep_from)
        self._handlers = self._by_kind()

    @property
    def full_name(self) -> str:
        return f"{self.name}_r{self.rules.version}_v{self.version}"

    def beside(self, table_prefix: str) -> GamificationProjection:
        """The same rules and time zone, applied into the tables ``<table_prefix>_*``."""
        return GamificationProjection(self.rules, self.rules_text, self.time_zone, self.retention_days,
                                      self.now, table_prefix)

    def keep_from(self) -> date:
        """The first local day whose point rows are kept (retention)."""
        return (self.now().astimezone(self.zone) - self.retention).date()

    def handlers(self) -> Mapping[str, Handler]:
        return self._handlers

    def _by_kind(self) -> dict[str, Handler]:
        agent = {AGENT + "onboarded": self.onboarded,
                 AGENT + "display_name_changed": self.renamed,
                 AGENT + "team_changed": lambda tx, e: self._agent(tx, e, team=e.data.get("team")),
                 AGENT + "leaderboard_consent_granted": lambda tx, e: self._agent(tx, e, consent=True),
                 AGENT + "leaderboard_consent_withdrawn": lambda tx, e: self._agent(tx, e, consent=False),
                 AGENT + "deactivated": lambda tx, e: self._agent(tx, e, active=False)}
        calls = {CALL + "call_rang": self.call_rang, CALL + "call_answered": self.call_answered,
                 CALL + "call_ended": self.call_ended,
                 **{CALL + kind: self.call_unanswered for kind in UNANSWERED}}
        cases = {CASE + "opened": self.case_opened, CASE + "assigned": self.case_assigned,
                 CASE + "resolved": self.case_resolved,
                 CASE + "satisfaction_recorded": self.satisfaction_recorded}
        return {**agent, **calls, **cases}

    def onboarded(self, tx: Tx, event: ProjectedEvent) -> None:
        tx.write(f"INSERT INTO {self.t.agents} (agent_id, display_name, team) VALUES (%s, %s, %s) "
                   "ON CONFLICT (agent_id) DO UPDATE SET display_name = EXCLUDED.display_name, "
                   "team = EXCLUDED.team",
                   (event.aggregate_id, event.data.get("display_name"), event.data.get("team")))

    def renamed(self, tx: Tx, event: ProjectedEvent) -> None:
        self._agent(tx, event, display_name=event.data.get("display_name"))

    def _agent(self, tx: Tx, event: ProjectedEvent, **values: object) -> None:
        assignments = ", ".join(f"{column} = %s" for column in values)
        tx.write(f"UPDATE {self.t.agents} SET {assignments} WHERE agent_id = %s",
                   (*values.values(), event.aggregate_id))

    def call_rang(self, tx: Tx, event: ProjectedEvent) -> None:
        self._call(tx, event, direction=event.data.get("direction"), queue=event.data.get("queue"))

    def call_answered(self, tx: Tx, event: ProjectedEvent) -> None:
        self._call(tx, event, agent_id=event.uuid("agent_id"), answered_event=event.id,
                   answered_at=event.time, wait_seconds=float(event.data["wait_seconds"]))

    def call_ended(self, tx: Tx, event: ProjectedEvent) -> None:
        self._call(tx, event, ended_event=event.id, ended_at=event.time,
                   talk_seconds=float(event.data["talk_seconds"]),
                   hold_seconds=float(event.data["hold_seconds"]))

    def call_unanswered(self, tx: Tx, event: ProjectedEvent) -> None:
        tx.write(f"DELETE FROM {self.t.calls} WHERE interaction_id = %s", (event.aggregate_id,))

    def _call(self, tx: Tx, event: ProjectedEvent, **facts: object) -> None:
        columns = ", ".join(facts)
        updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in facts)
        tx.write(f"INSERT INTO {self.t.calls} (interaction_id, {columns}) VALUES "
                   f"(%s{', %s' * len(facts)}) ON CONFLICT (interaction_id) DO UPDATE SET {updates}",
                   (event.aggregate_id, *facts.values()))
        row = tx.fetchone(
            f"DELETE FROM {self.t.calls} WHERE interaction_id = %s AND direction IS NOT NULL "
            "AND answered_event IS NOT NULL AND ended_event IS NOT NULL RETURNING direction, queue, "
            "agent_id, answered_event, answered_at, wait_seconds, ended_event, ended_at, talk_seconds, "
            "hold_seconds", (event.aggregate_id,))
        if row is None:
            return
        direction, queue, agent, answered, answered_at, wait, ended, ended_at, talk, hold = row
        if agent is None or talk < self.rules.guards.min_talk_seconds:
            return
        known: dict[str, Fact] = {"direction": direction, "queue": queue, "wait_seconds": wait,
                                  "talk_seconds": talk, "hold_seconds": hold}
        for trigger, event_id, at in (("call_answered", answered, answered_at),
                                      ("call_ended", ended, ended_at)):
            for rule in self.rules.for_event(trigger):
                if rule.applies(known):
                    self.awards.give(tx, Award(rule, agent, str(event_id), CALL + trigger, at))

    def case_opened(self, tx: Tx, event: ProjectedEvent) -> None:
        data = event.data
        tx.write(f"INSERT INTO {self.t.cases} (case_id, kind, category, priority, opened_at, "
                   "resolution_due) VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (case_id) DO NOTHING",
                   (event.aggregate_id, data["kind"], data["category"], data["priority"], event.time,
                    event.time + timedelta(minutes=int(data["resolution_minutes"]))))

    def case_assigned(self, tx: Tx, event: ProjectedEvent) -> None:
        tx.write(f"UPDATE {self.t.cases} SET assignee = %s WHERE case_id = %s",
                   (event.uuid("agent_id"), event.aggregate_id))

    def case_resolved(self, tx: Tx, event: ProjectedEvent) -> None:
        row = tx.fetchone(
            f"UPDATE {self.t.cases} SET resolution_paid = true, resolver = assignee WHERE case_id = %s "
            "AND NOT resolution_paid RETURNING kind, category, priority, opened_at, resolution_due, "
            "resolver", (event.aggregate_id,))
        if row is None or row[5] is None:
            return
        kind, category, priority, opened_at, due, resolver = row
        seconds_open = (event.time - opened_at).total_seconds()
        if seconds_open < self.rules.guards.min_case_seconds:
            return
        known: dict[str, Fact] = {
            "kind": kind, "category": category, "priority": priority,
            "first_contact_resolution": bool(event.data["first_contact_resolution"]),
            "within_sla": event.time <= due, "resolution_code": event.data.get("resolution_code"),
            "minutes_open": seconds_open / 60}
        self._pay(tx, event, "case_resolved", resolver, known)

    def satisfaction_recorded(self, tx: Tx, event: ProjectedEvent) -> None:
        row = tx.fetchone(
            f"UPDATE {self.t.cases} SET satisfaction_paid = true WHERE case_id = %s "
            "AND NOT satisfaction_paid RETURNING kind, category, priority, resolver", (event.aggregate_id,))
        if row is None or row[3] is None:
            return
        kind, category, priority, resolver = row
        known: dict[str, Fact] = {"kind": kind, "category": category, "priority": priority,
                                  "score": int(event.data["score"])}
        self._pay(tx, event, "satisfaction_recorded", resolver, known)

    def _pay(self, tx: Tx, event: ProjectedEvent, trigger: str, agent: UUID,
             known: Mapping[str, Fact]) -> None:
        for rule in self.rules.for_event(trigger):
            if rule.applies(known):
                self.awards.give(tx, Award(rule, agent, event.id, event.kind, event.time))
