"""The wallboard's pure parts: which rows moved between two standings, and frames numbered on
the way out."""

from __future__ import annotations

import json
from typing import Any

from contact_center.wallboard_rows import Changes, diff, risen_badges
from contact_center.wallboard_session import Outgoing


def row(key: str, rank: int, points: int, badges: int = 0) -> dict[str, Any]:
    return {"key": key, "rank": rank, "display_name": key.title(), "points": points, "badges": badges}


def board(*rows: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["key"]: r for r in rows}


def test_only_rows_that_moved_entered_or_left_are_reported() -> None:
    before = board(row("bob", 1, 7), row("ada", 2, 0), row("cy", 2, 0), row("dee", 2, 0))
    after = board(row("bob", 1, 7), row("ada", 2, 5), row("cy", 3, 0), row("eve", 3, 0))
    changes = diff(before, after)
    assert changes.changed == [row("ada", 2, 5), row("cy", 3, 0), row("eve", 3, 0)]
    assert changes.removed == ["dee"]
    assert changes


def test_identical_standings_report_nothing() -> None:
    same = board(row("bob", 1, 7), row("ada", 2, 0))
    assert diff(same, dict(same)) == Changes()
    assert not diff(same, dict(same))
    assert diff({}, {}) == Changes()


def test_a_row_changes_when_any_shown_field_does() -> None:
    before = board(row("ada", 1, 5, badges=0))
    after = board(row("ada", 1, 5, badges=1))
    assert diff(before, after).changed == [row("ada", 1, 5, badges=1)]
    assert risen_badges(before, after) == [row("ada", 1, 5, badges=1)]
    assert risen_badges({}, after) == []  # a row seen for the first time is not an announcement
    assert risen_badges(after, before) == []


def test_changed_rows_keep_the_new_order() -> None:
    before = board(row("a", 1, 9), row("b", 2, 5), row("c", 3, 1))
    after = board(row("c", 1, 20), row("a", 2, 9), row("b", 3, 5))
    assert [r["key"] for r in diff(before, after).changed] == ["c", "a", "b"]


def test_frames_are_rendered_once_and_numbered_per_socket() -> None:
    frame = Outgoing("queue_changed", {"queues": [{"queue": "billing", "waiting": 2}]})
    assert json.loads(frame.text(1)) == {"type": "queue_changed", "seq": 1,
                                         "queues": [{"queue": "billing", "waiting": 2}]}
    assert json.loads(frame.text(42))["seq"] == 42
    assert list(json.loads(frame.text(3))) == ["type", "seq", "queues"]
    assert json.loads(Outgoing("ping", {}).text(7)) == {"type": "ping", "seq": 7}

