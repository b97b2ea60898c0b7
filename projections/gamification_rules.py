"""Reading a gamification rules file (TOML, versioned) into :class:`Rules`.

``config/gamification.toml`` is the default; the format is in ``docs/gamification.md``. A file
is read completely or refused: the first mistake raises :class:`RulesError` with the line
(when it can be found) and the key path, e.g. ``gamification.toml:14: rules[2].when.wait_seconds:
expected a number or a table with min/max, got 'fast'``. Unknown keys are mistakes too, so a
typo never silently switches a condition off.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from projections.gamification_model import (
    BADGE_KINDS,
    EVENTS,
    FLAG,
    NUMBER,
    TEXT,
    WEEKDAYS,
    Badge,
    Condition,
    Guards,
    Rule,
    Rules,
    RulesError,
    Streak,
)
from projections.gamification_rule_lines import line_of

__all__ = ["Rules", "RulesError", "load_rules", "parse_rules"]
_ID = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
MAX_POINTS, MAX_THRESHOLD, MAX_STREAK_DAYS = 10_000, 10_000, 366


def load_rules(path: Path) -> Rules:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(f"cannot read the rules file ({exc.__class__.__name__}: {exc})",
                         source=str(path)) from exc
    return parse_rules(text, str(path))


def parse_rules(text: str, source: str = "<rules>") -> Rules:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+)", str(exc))
        raise RulesError(f"not valid TOML: {exc}", source=source,
                         line=int(match.group(1)) if match else None) from exc
    return _Reader(text, source).rules(document)


class _Reader:
    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source

    def error(self, key: str, reason: str) -> RulesError:
        return RulesError(reason, source=self.source, key=key, line=line_of(self.text, key))

    def rules(self, doc: dict[str, Any]) -> Rules:
        self.only(doc, "", {"version", "name", "guards", "rules", "streaks", "badges"})
        if "version" not in doc:
            raise self.error("version", "required: the rules version, a whole number from 1")
        version = self.integer(doc, "version", "version", low=1, high=1_000_000)
        rules = tuple(self.rule(entry, f"rules[{i}]") for i, entry in self.entries(doc, "rules"))
        streaks = tuple(self.streak(e, f"streaks[{i}]") for i, e in self.entries(doc, "streaks"))
        self.unique(rules, "rules")
        self.unique(streaks, "streaks")
        known = Rules(version, rules=rules, streaks=streaks)
        badges = tuple(self.badge(e, f"badges[{i}]", known) for i, e in self.entries(doc, "badges"))
        self.unique(badges, "badges")
        return Rules(version=version, name=self.text_of(doc, "name", "name", ""),
                     guards=self.guards(doc.get("guards", {})), rules=rules, streaks=streaks,
                     badges=badges)

    def guards(self, table: Any) -> Guards:
        table = self.table(table, "guards")
        self.only(table, "guards", {"min_talk_seconds", "min_case_seconds"})
        return Guards(self.guard(table, "min_talk_seconds"), self.guard(table, "min_case_seconds"))

    def guard(self, table: dict[str, Any], name: str) -> float:
        value = table.get(name, 0.0)
        if not _is_number(value) or value < 0:
            raise self.error(f"guards.{name}", f"expected a number of 0 or more, got {value!r}")
        return float(value)

    def rule(self, entry: dict[str, Any], key: str) -> Rule:
        self.only(entry, key, {"id", "event", "points", "description", "when"})
        event = self.text_of(entry, f"{key}.event", "event")
        if event not in EVENTS:
            raise self.error(f"{key}.event", f"unknown event {event!r}; one of {', '.join(EVENTS)}")
        when = self.table(entry.get("when", {}), f"{key}.when")
        return Rule(id=self.ident(entry, key), event=event,
                    points=self.integer(entry, f"{key}.points", "points", -MAX_POINTS, MAX_POINTS),
                    description=self.text_of(entry, f"{key}.description", "description", ""),
                    when=tuple(self.condition(f"{key}.when.{fact}", fact, value, EVENTS[event])
                               for fact, value in when.items()))

    def condition(self, key: str, fact: str, value: Any, facts: Mapping[str, str]) -> Condition:
        kind = facts.get(fact)
        if kind is None:
            raise self.error(key, f"unknown fact {fact!r} for this event; one of {', '.join(facts)}")
        if kind == TEXT and isinstance(value, str):
            return Condition(fact, one_of=(value,))
        if kind == TEXT and isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return Condition(fact, one_of=tuple(value))
        if kind == FLAG and isinstance(value, bool):
            return Condition(fact, one_of=(value,))
        if kind == NUMBER and _is_number(value):
            return Condition(fact, one_of=(float(value),))
        if kind == NUMBER and isinstance(value, dict):
            return self.range(key, fact, value)
        expected = {TEXT: "a string or a list of strings", FLAG: "true or false",
                    NUMBER: "a number or a table with min/max"}[kind]
        raise self.error(key, f"expected {expected}, got {value!r}")

    def range(self, key: str, fact: str, value: dict[str, Any]) -> Condition:
        self.only(value, key, {"min", "max"})
        if not value:
            raise self.error(key, "a range needs min, max or both")
        low, high = (self.bound(value, f"{key}.{end}", end) for end in ("min", "max"))
        if low is not None and high is not None and low > high:
            raise self.error(key, f"min ({low:g}) is greater than max ({high:g})")
        return Condition(fact, minimum=low, maximum=high)

    def streak(self, entry: dict[str, Any], key: str) -> Streak:
        self.only(entry, key, {"id", "name", "description", "min_points"})
        return Streak(id=self.ident(entry, key), name=self.text_of(entry, f"{key}.name", "name"),
                      min_points=self.integer(entry, f"{key}.min_points", "min_points", 1, MAX_POINTS),
                      description=self.text_of(entry, f"{key}.description", "description", ""))

    def badge(self, entry: dict[str, Any], key: str, known: Rules) -> Badge:
        kind = self.text_of(entry, f"{key}.kind", "kind")
        if kind not in BADGE_KINDS:
            raise self.error(f"{key}.kind", f"unknown badge kind {kind!r}; one of {', '.join(BADGE_KINDS)}")
        extra = {"count": {"rules", "threshold"}, "streak": {"streak", "days"},
                 "perfect_week": {"streak", "weekdays"}}[kind]
        self.only(entry, key, {"id", "name", "description", "kind"} | extra)
        badge = Badge(id=self.ident(entry, key), name=self.text_of(entry, f"{key}.name", "name"),
                      kind=kind, description=self.text_of(entry, f"{key}.description", "description", ""))
        if kind == "count":
            return replace(badge, rules=self.rule_ids(entry, f"{key}.rules", known),
                           threshold=self.integer(entry, f"{key}.threshold", "threshold", 1, MAX_THRESHOLD))
        streak = entry.get("streak")
        if not isinstance(streak, str) or streak not in {s.id for s in known.streaks}:
            raise self.error(f"{key}.streak", f"expected the id of a streak in this file, got {streak!r}")
        if kind == "streak":
            return replace(badge, streak=streak,
                           days=self.integer(entry, f"{key}.days", "days", 2, MAX_STREAK_DAYS))
        days = entry.get("weekdays", list(WEEKDAYS[:5]))
        if not isinstance(days, list) or not days or len(set(days)) != len(days) \
                or any(day not in WEEKDAYS for day in days):
            raise self.error(f"{key}.weekdays", f"expected distinct days out of {', '.join(WEEKDAYS)}")
        return replace(badge, streak=streak, weekdays=tuple(sorted(WEEKDAYS.index(d) for d in days)))

    def rule_ids(self, entry: dict[str, Any], key: str, known: Rules) -> tuple[str, ...]:
        values = entry.get("rules")
        if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
            raise self.error(key, f"expected a list of rule ids, got {values!r}")
        for value in values:
            if known.rule(value) is None:
                raise self.error(key, f"no rule with id {value!r} in this file")
        return tuple(values)

    def entries(self, doc: dict[str, Any], name: str) -> list[tuple[int, dict[str, Any]]]:
        value = doc.get(name, [])
        if not isinstance(value, list):
            raise self.error(name, f"expected an array of tables ([[{name}]])")
        return [(i, self.table(entry, f"{name}[{i}]")) for i, entry in enumerate(value)]

    def unique(self, items: Sequence[Rule | Streak | Badge], name: str) -> None:
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.id in seen:
                raise self.error(f"{name}[{i}].id", f"duplicate id {item.id!r}")
            seen.add(item.id)

    def ident(self, entry: dict[str, Any], key: str) -> str:
        value = self.text_of(entry, f"{key}.id", "id")
        if not _ID.match(value):
            raise self.error(f"{key}.id", "an id is lower-case letters, digits and _, starting with a letter")
        return value

    def only(self, table: dict[str, Any], key: str, allowed: set[str]) -> None:
        for name in table:
            if name not in allowed:
                where = f"{key}.{name}" if key else name
                raise self.error(where, f"unknown key; allowed here: {', '.join(sorted(allowed))}")

    def table(self, value: Any, key: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(key, f"expected a table, got {value!r}")
        return value

    def text_of(self, table: dict[str, Any], key: str, name: str, default: str | None = None) -> str:
        value = table.get(name, default)
        if value is None:
            raise self.error(key, "required")
        if not isinstance(value, str) or (default is None and not value.strip()):
            raise self.error(key, f"expected a non-empty string, got {value!r}")
        return value

    def integer(self, table: dict[str, Any], key: str, name: str, low: int, high: int) -> int:
        value = table.get(name)
        if value is None:
            raise self.error(key, "required")
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.error(key, f"expected a whole number, got {value!r}")
        if not low <= value <= high:
            raise self.error(key, f"must be between {low} and {high}, got {value}")
        return value

    def bound(self, table: dict[str, Any], key: str, name: str) -> float | None:
        value = table.get(name)
        if value is not None and not _is_number(value):
            raise self.error(key, f"expected a number, got {value!r}")
        return None if value is None else float(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
