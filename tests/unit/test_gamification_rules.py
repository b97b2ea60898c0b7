"""The rules file: the shipped one reads, every kind of mistake is refused with line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from projections.gamification_model import Condition, Rules
from projections.gamification_rules import RulesError, load_rules, parse_rules

SHIPPED = Path(__file__).resolve().parents[2] / "config" / "gamification.toml"
VALID = """\
version = 3
name = "test"

[guards]
min_talk_seconds = 10

[[rules]]
id = "fast"
event = "call_answered"
points = 5
when = { direction = "inbound", wait_seconds = { max = 20 } }

[[rules]]
id = "complaint"
event = "case_resolved"
points = 30
[rules.when]
kind = ["complaint"]
within_sla = true

[[streaks]]
id = "daily"
name = "Daily"
min_points = 40

[[badges]]
id = "ten"
name = "Ten"
kind = "count"
rules = ["fast"]
threshold = 10

[[badges]]
id = "week"
name = "Week"
kind = "perfect_week"
streak = "daily"
"""


def refused(text: str) -> RulesError:
    with pytest.raises(RulesError) as caught:
        parse_rules(text, "rules.toml")
    return caught.value


def test_the_shipped_file_reads() -> None:
    rules = load_rules(SHIPPED)
    assert rules.version >= 1
    assert {r.id: r.points for r in rules.rules} == {
        "inbound_answered_fast": 5, "call_completed": 2, "first_contact_resolution": 20,
        "complaint_resolved_in_sla": 30, "sla_breached": -10, "csat_5": 15, "csat_1": -5}
    assert {b.kind for b in rules.badges} == {"count", "streak", "perfect_week"}
    assert rules.guards.min_talk_seconds > 0


def test_a_valid_file_becomes_frozen_rules() -> None:
    rules = parse_rules(VALID)
    fast = rules.for_event("call_answered")[0]
    assert fast.when == (Condition("direction", one_of=("inbound",)), Condition("wait_seconds", maximum=20.0))
    assert fast.applies({"direction": "inbound", "wait_seconds": 20.0})
    assert not fast.applies({"direction": "inbound", "wait_seconds": 20.5})
    assert not fast.applies({"direction": "outbound", "wait_seconds": 3.0})
    assert not fast.applies({"wait_seconds": 3.0})  # an unknown fact never matches
    assert rules.for_event("case_resolved")[0].applies({"kind": "complaint", "within_sla": True})
    assert rules.badges[1].weekdays == (0, 1, 2, 3, 4)  # Monday to Friday by default
    assert [b.id for b in rules.counting("fast")] == ["ten"]
    assert [b.id for b in rules.on_streak("daily")] == ["week"]
    with pytest.raises(AttributeError):
        rules.version = 4  # type: ignore[misc]


def test_the_fingerprint_follows_meaning_not_layout() -> None:
    rules = parse_rules(VALID)
    berlin = rules.fingerprint("Europe/Berlin")
    assert parse_rules("# a comment\n" + VALID).fingerprint("Europe/Berlin") == berlin
    assert rules.fingerprint("UTC") != berlin
    assert parse_rules(VALID.replace("points = 5", "points = 6")).fingerprint("Europe/Berlin") != berlin


@pytest.mark.parametrize(("old", "new", "key", "line", "reason"), [
    ("[guards]", "[guards", None, 4, "not valid TOML"),
    ("version = 3\n", "", "version", None, "required"),
    ("version = 3", "version = 0", "version", 1, "between 1"),
    ("version = 3", 'version = "3"', "version", 1, "whole number"),
    ('name = "test"', 'nmae = "test"', "nmae", 2, "unknown key"),
    ("min_talk_seconds = 10", "min_talk_seconds = -1", "guards.min_talk_seconds", 5, "0 or more"),
    ("min_talk_seconds = 10", "max_talk_seconds = 10", "guards.max_talk_seconds", 5, "unknown key"),
    ('event = "call_answered"', 'event = "call_picked_up"', "rules[0].event", 9, "unknown event"),
    ("points = 5", "points = 5.5", "rules[0].points", 10, "whole number"),
    ("points = 5", "points = true", "rules[0].points", 10, "whole number"),
    ("points = 5", "points = 100000", "rules[0].points", 10, "between"),
    ("points = 5", "pionts = 5", "rules[0].pionts", 10, "unknown key"),
    ('id = "fast"', 'id = "Fast!"', "rules[0].id", 8, "lower-case"),
    ('id = "complaint"', 'id = "fast"', "rules[1].id", 14, "duplicate id"),
    ('direction = "inbound"', 'direktion = "inbound"', "rules[0].when.direktion", 11, "unknown fact"),
    ('direction = "inbound"', "direction = 1", "rules[0].when.direction", 11, "a string"),
    ("{ max = 20 }", '"fast"', "rules[0].when.wait_seconds", 11, "a number"),
    ("{ max = 20 }", "{ max = 'x' }", "rules[0].when.wait_seconds.max", 11, "a number"),
    ("{ max = 20 }", "{ min = 30, max = 20 }", "rules[0].when.wait_seconds", 11, "greater than max"),
    ("{ max = 20 }", "{}", "rules[0].when.wait_seconds", 11, "min, max or both"),
    ("{ max = 20 }", "{ upto = 20 }", "rules[0].when.wait_seconds.upto", 11, "unknown key"),
    ("within_sla = true", 'within_sla = "yes"', "rules[1].when.within_sla", 19, "true or false"),
    ("min_points = 40", "min_points = 0", "streaks[0].min_points", 24, "between 1"),
    ('kind = "count"', 'kind = "counter"', "badges[0].kind", 29, "unknown badge kind"),
    ('rules = ["fast"]', 'rules = ["slow"]', "badges[0].rules", 30, "no rule with id 'slow'"),
    ('rules = ["fast"]', "rules = []", "badges[0].rules", 30, "list of rule ids"),
    ("threshold = 10", "threshold = 0", "badges[0].threshold", 31, "between 1"),
    ('streak = "daily"', 'streak = "weekly"', "badges[1].streak", 37, "id of a streak"),
    ('streak = "daily"', 'streak = "daily"\nweekdays = ["mon", "funday"]', "badges[1].weekdays", 38,
     "distinct days"),
    ('streak = "daily"', 'streak = "daily"\ndays = 3', "badges[1].days", 38, "unknown key"),
])
def test_each_kind_of_mistake_is_refused_with_line_and_key(
        old: str, new: str, key: str | None, line: int | None, reason: str) -> None:
    assert old in VALID
    error = refused(VALID.replace(old, new, 1))
    assert (error.key, error.line) == (key, line)
    assert reason in error.reason
    where = "rules.toml" if line is None else f"rules.toml:{line}"
    assert str(error).startswith(f"{where}: {key + ': ' if key else ''}")


def test_shapes_that_are_not_tables_are_refused() -> None:
    assert refused("version = 1\nrules = 3\n").key == "rules"
    assert refused("version = 1\nguards = 3\n").key == "guards"
    assert refused("version = 1\n[[rules]]\nid = 'x'\nevent = 'call_ended'\npoints = 1\nwhen = 2\n").key \
        == "rules[0].when"
    no_streak = "version = 1\n[[badges]]\nid = 'x'\nname = 'X'\nkind = 'streak'\n"
    assert refused(no_streak).key == "badges[0].streak"


def test_an_unreadable_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="cannot read the rules file"):
        load_rules(tmp_path / "missing.toml")
    assert isinstance(parse_rules("version = 1\n"), Rules)
