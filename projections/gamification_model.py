"""What a gamification rules file says, as frozen dataclasses (read by
:mod:`projections.gamification_rules`).

A rule fires on one of the ``EVENTS`` and tests the *facts* known about its subject then (a
call's direction and durations, a case's kind and whether it met its deadline, …): every
condition in ``when`` must hold.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

TEXT, FLAG, NUMBER = "text", "flag", "number"
CALL_FACTS = {"direction": TEXT, "queue": TEXT, "wait_seconds": NUMBER, "talk_seconds": NUMBER,
              "hold_seconds": NUMBER}
CASE_FACTS = {"kind": TEXT, "category": TEXT, "priority": TEXT}
# Event a rule fires on → the facts its conditions may test, with their types.
EVENTS: Mapping[str, Mapping[str, str]] = {
    "call_answered": CALL_FACTS,
    "call_ended": CALL_FACTS,
    "case_resolved": {**CASE_FACTS, "first_contact_resolution": FLAG, "within_sla": FLAG,
                      "resolution_code": TEXT, "minutes_open": NUMBER},
    "satisfaction_recorded": {**CASE_FACTS, "score": NUMBER},
}
BADGE_KINDS = ("count", "streak", "perfect_week")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Fact = str | bool | float | int | None


class RulesError(ValueError):
    """A rules file that cannot be used, with where and why."""

    def __init__(self, reason: str, *, source: str, key: str | None = None,
                 line: int | None = None) -> None:
        self.reason, self.source, self.key, self.line = reason, source, key, line
        where = source if line is None else f"{source}:{line}"
        super().__init__(f"{where}: {key}: {reason}" if key else f"{where}: {reason}")


@dataclass(frozen=True)
class Condition:
    """One test of a fact: equal to one of ``one_of``, or within ``minimum``…``maximum``."""

    fact: str
    one_of: tuple[str | bool | float, ...] = ()
    minimum: float | None = None
    maximum: float | None = None

    def holds(self, facts: Mapping[str, Fact]) -> bool:
        value = facts.get(self.fact)
        if value is None:
            return False
        if self.one_of:
            return value in self.one_of
        if isinstance(value, str | bool):
            return False
        return ((self.minimum is None or value >= self.minimum)
                and (self.maximum is None or value <= self.maximum))


@dataclass(frozen=True)
class Rule:
    id: str
    event: str
    points: int
    description: str
    when: tuple[Condition, ...] = ()

    def applies(self, facts: Mapping[str, Fact]) -> bool:
        return all(condition.holds(facts) for condition in self.when)


@dataclass(frozen=True)
class Guards:
    """Against gaming: calls shorter than ``min_talk_seconds`` and cases resolved sooner than
    ``min_case_seconds`` after opening earn nothing under any rule."""

    min_talk_seconds: float = 0.0
    min_case_seconds: float = 0.0


@dataclass(frozen=True)
class Streak:
    """A day meets the streak's target when the points earned that day (deductions not
    subtracted) reach ``min_points``; a streak is a run of such consecutive days."""

    id: str
    name: str
    min_points: int
    description: str = ""


@dataclass(frozen=True)
class Badge:
    """``count``: ``threshold`` awards of the listed ``rules``; ``streak``: a run of ``days``
    days of ``streak``; ``perfect_week``: every one of ``weekdays`` (0 = Monday) of one ISO
    week met ``streak``'s target."""

    id: str
    name: str
    kind: str
    description: str = ""
    rules: tuple[str, ...] = ()
    threshold: int = 0
    streak: str = ""
    days: int = 0
    weekdays: tuple[int, ...] = ()


@dataclass(frozen=True)
class Rules:
    version: int
    name: str = ""
    guards: Guards = field(default_factory=Guards)
    rules: tuple[Rule, ...] = ()
    streaks: tuple[Streak, ...] = ()
    badges: tuple[Badge, ...] = ()

    def for_event(self, event: str) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if rule.event == event)

    def rule(self, rule_id: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.id == rule_id), None)

    def badge(self, badge_id: str) -> Badge | None:
        return next((badge for badge in self.badges if badge.id == badge_id), None)

    def counting(self, rule_id: str) -> tuple[Badge, ...]:
        """Count badges that an award of ``rule_id`` counts towards."""
        return tuple(b for b in self.badges if b.kind == "count" and rule_id in b.rules)

    def on_streak(self, streak_id: str) -> tuple[Badge, ...]:
        return tuple(b for b in self.badges if b.kind != "count" and b.streak == streak_id)

    def fingerprint(self, time_zone: str) -> str:
        """Identifies what the points mean: the parsed rules and the time zone of days."""
        text = json.dumps({"rules": asdict(self), "time_zone": time_zone}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()
