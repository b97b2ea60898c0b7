"""The wallboard's rows as JSON-ready dicts, and what changed between two versions of them.

Pure: no I/O. A leaderboard row is keyed by the agent's id, or by their alias when they are
pseudonymised (the id is not shown then); a team row by the team's name; a queue by its name;
an SLA breach by the case and the deadline it missed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from contact_center.leaderboards import BoardRow, Leaderboard, TeamRow

Row = dict[str, Any]


@dataclass(frozen=True)
class Changes:
    changed: list[Row] = field(default_factory=list)  # entered or different, in the new order
    removed: list[str] = field(default_factory=list)  # keys that left

    def __bool__(self) -> bool:
        return bool(self.changed or self.removed)


def diff(before: Mapping[str, Row], after: Mapping[str, Row]) -> Changes:
    """Rows of ``after`` that are new or differ from ``before``, and keys of ``before`` gone."""
    changed = [row for key, row in after.items() if before.get(key) != row]
    removed = [key for key in before if key not in after]
    return Changes(changed, removed)


def risen_badges(before: Mapping[str, Row], after: Mapping[str, Row]) -> list[Row]:
    """Rows whose badge count went up (a row seen for the first time is not announced)."""
    return [row for key, row in after.items()
            if key in before and row["badges"] > before[key]["badges"]]


def agent_row(row: BoardRow) -> Row:
    key = str(row.agent_id) if row.agent_id is not None else row.alias or row.display_name
    return {"key": key, "rank": row.rank, "agent_id": None if row.agent_id is None else str(row.agent_id),
            "alias": row.alias, "display_name": row.display_name, "team": row.team,
            "points": row.points, "badges": row.badges}


def team_row(row: TeamRow) -> Row:
    return {"rank": row.rank, "team": row.team, "points": row.points, "agents": row.agents}


@dataclass(frozen=True)
class BoardView:
    """One (period, team) board as the wallboard shows it."""

    head: Row  # rules_version, time_zone, starts_at, ends_at
    agents: dict[str, Row]
    teams: dict[str, Row]

    @staticmethod
    def of(board: Leaderboard) -> BoardView:
        window = board.span
        head = {"rules_version": board.board.version.rules_version,
                "time_zone": board.board.version.time_zone, "starts_at": window.starts_at.isoformat(),
                "ends_at": window.ends_at.isoformat()}
        agents = {(r := agent_row(row))["key"]: r for row in board.agents}
        return BoardView(head, agents, {row.team: team_row(row) for row in board.teams})

    @staticmethod
    def empty() -> BoardView:
        """No gamification version is built yet."""
        return BoardView({"rules_version": None, "time_zone": None,
                          "starts_at": None, "ends_at": None}, {}, {})
