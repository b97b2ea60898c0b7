"""Leaderboards, point explanations and badges, from the gamification version in service.

Standings are per local day, ISO week or month of the served version's time zone, at the
moment ``at`` (default now). Agents rank by points; equal points share a rank and are listed
by the name (or alias) shown, then id. Teams rank by the sum of their current members' points.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from adapters.clock import Clock
from adapters.read_store import ReadStore
from contact_center.board_versions import BoardVersions, ServedBoard
from contact_center.errors import ApplicationError, NotFound
from contact_center.leaderboard_views import (
    PUBLIC,
    AgentAliases,
    Period,
    Span,
    Viewer,
    competition_ranks,
    span,
)
from contact_center.read_your_writes import ReadConsistency
from projections import gamification_queries as q
from projections.base import Tx
from projections.gamification_model import Badge, Streak


class NotVisible(ApplicationError):
    """An agent who has not consented is visible by id only to themself and admins."""


@dataclass(frozen=True)
class BoardRow:
    rank: int
    agent_id: UUID | None  # None when pseudonymised
    alias: str | None
    display_name: str  # the name, or the alias
    team: str | None
    points: int
    badges: int


@dataclass(frozen=True)
class TeamRow:
    rank: int
    team: str
    points: int
    agents: int


@dataclass(frozen=True)
class Leaderboard:
    board: ServedBoard
    span: Span
    agents: list[BoardRow]
    teams: list[TeamRow]


@dataclass(frozen=True)
class ExplainedPoint:
    row: q.PointRow
    description: str


@dataclass(frozen=True)
class Explanation:
    board: ServedBoard
    span: Span
    agent_id: UUID
    points: list[ExplainedPoint]


@dataclass(frozen=True)
class StreakState:
    streak: Streak
    current: int
    best: int
    last_day: date | None


@dataclass(frozen=True)
class AgentBadges:
    board: ServedBoard
    agent_id: UUID
    badges: list[tuple[Badge, q.BadgeRow]]
    streaks: list[StreakState]


@dataclass(frozen=True)
class PruneReport:
    version: str
    before: date
    pruned: q.Pruned


class LeaderboardService:
    def __init__(self, reads: ReadStore, consistency: ReadConsistency, clock: Clock,
                 versions: BoardVersions, aliases: AgentAliases, retention_days: int) -> None:
        self.reads = reads
        self.consistency = consistency
        self.clock = clock
        self.versions = versions
        self.aliases = aliases
        self.retention_days = retention_days

    def leaderboard(self, period: Period, *, at: datetime | None = None, team: str | None = None,
                    viewer: Viewer = PUBLIC, min_position: int | None = None) -> Leaderboard:
        board = self._board(min_position)
        window = span(period, at or self.clock.now(), ZoneInfo(board.version.time_zone))
        with self.reads.reading() as tx:
            rows = q.standings(tx, board.version.tables, window.first, window.end, window.ends_at)
        agents, teams = ranked(rows, team, viewer, self.aliases)
        return Leaderboard(board, window, agents, teams)

    def boards(self, wanted: Iterable[tuple[Period, str | None]], *, at: datetime | None = None,
               viewer: Viewer = PUBLIC) -> dict[tuple[Period, str | None], Leaderboard]:
        """Several (period, team) boards of the served version at once: one standings query
        per period, cut per team."""
        board = self.versions.served()
        teams_of: dict[Period, list[str | None]] = {}
        for period, team in wanted:
            teams_of.setdefault(period, []).append(team)
        found = {}
        for period, teams in teams_of.items():
            window = span(period, at or self.clock.now(), ZoneInfo(board.version.time_zone))
            with self.reads.reading() as tx:
                rows = q.standings(tx, board.version.tables, window.first, window.end, window.ends_at)
            for team in teams:
                agents, team_rows = ranked(rows, team, viewer, self.aliases)
                found[(period, team)] = Leaderboard(board, window, agents, team_rows)
        return found

    def explain(self, agent_id: UUID, period: Period, *, at: datetime | None = None,
                viewer: Viewer = PUBLIC, min_position: int | None = None) -> Explanation:
        board = self._board(min_position)
        window = span(period, at or self.clock.now(), ZoneInfo(board.version.time_zone))
        with self.reads.reading() as tx:
            self._require_visible(tx, board, agent_id, viewer)
            rows = q.points(tx, board.version.tables, agent_id, window.first, window.end)
        described = []
        for row in rows:
            rule = board.rules.rule(row.rule_id)
            described.append(ExplainedPoint(row, rule.description if rule else row.rule_id))
        return Explanation(board, window, agent_id, described)

    def badges(self, agent_id: UUID, *, at: datetime | None = None, viewer: Viewer = PUBLIC,
               min_position: int | None = None) -> AgentBadges:
        board = self._board(min_position)
        today = (at or self.clock.now()).astimezone(ZoneInfo(board.version.time_zone)).date()
        with self.reads.reading() as tx:
            self._require_visible(tx, board, agent_id, viewer)
            earned = q.badges(tx, board.version.tables, agent_id)
            runs = {s.streak_id: s for s in q.streaks(tx, board.version.tables, agent_id, today)}
        badges = [(badge, row) for row in earned if (badge := board.rules.badge(row.badge_id))]
        streaks = []
        for streak in board.rules.streaks:
            run = runs.get(streak.id)
            alive = run is not None and run.last_day is not None \
                and run.last_day >= today - timedelta(days=1)
            streaks.append(StreakState(streak, run.run if run and alive else 0, run.best if run else 0,
                                       run.last_day if run else None))
        return AgentBadges(board, agent_id, badges, streaks)

    def prune(self, *, dry_run: bool = False) -> list[PruneReport]:
        """Drop point history older than the retention period from every version."""
        reports = []
        for version in self.versions.known():
            local_now = self.clock.now().astimezone(ZoneInfo(version.time_zone))
            before = (local_now - timedelta(days=self.retention_days)).date()
            with self.reads.reading() as tx:
                pruned = q.prune(tx, version.tables, before, dry_run=dry_run)
            reports.append(PruneReport(version.name, before, pruned))
        return reports

    def close(self) -> None:
        self.versions.ends.close()

    def _board(self, min_position: int | None) -> ServedBoard:
        board = self.versions.served()
        self.consistency.require(board.version.name, min_position)
        return board

    def _require_visible(self, tx: Tx, board: ServedBoard, agent_id: UUID, viewer: Viewer) -> None:
        entry = q.agent(tx, board.version.tables, agent_id)
        if entry is None:
            raise NotFound("agent on the leaderboard", agent_id)
        if not viewer.sees_name_of(agent_id, entry.consent):
            raise NotVisible("this agent has not consented to appear on leaderboards: only they "
                             "and admins may see their points and badges")


def ranked(rows: list[q.Standing], team: str | None, viewer: Viewer,
           aliases: AgentAliases) -> tuple[list[BoardRow], list[TeamRow]]:
    """The agents (of ``team``, or all) ranked by points as ``viewer`` sees them, and the teams."""
    shown = [(_shown(viewer, r, aliases), r) for r in rows if team is None or r.team == team]
    shown.sort(key=lambda s: (-s[1].points, s[0][1].casefold(), str(s[1].agent_id)))
    ranks = competition_ranks([r.points for _, r in shown])
    agents = [BoardRow(rank, agent_id, alias, name, r.team, r.points, r.badges)
              for rank, ((agent_id, name, alias), r) in zip(ranks, shown, strict=True)]
    return agents, _teams(rows, team)


def _shown(viewer: Viewer, row: q.Standing, aliases: AgentAliases) -> tuple[UUID | None, str, str | None]:
    """(id or None, name shown, alias or None) of one agent for this viewer."""
    if viewer.sees_name_of(row.agent_id, row.consent) and row.display_name is not None:
        return row.agent_id, row.display_name, None
    if viewer.sees_name_of(row.agent_id, row.consent):
        alias = aliases(row.agent_id)  # a name the projection could not read
        return row.agent_id, alias, alias
    alias = aliases(row.agent_id)
    return None, alias, alias


def _teams(rows: list[q.Standing], team: str | None) -> list[TeamRow]:
    totals: dict[str, tuple[int, int]] = {}
    for row in rows:
        if row.team is not None and (team is None or row.team == team):
            points, agents = totals.get(row.team, (0, 0))
            totals[row.team] = (points + row.points, agents + 1)
    ordered = sorted(totals.items(), key=lambda item: (-item[1][0], item[0].casefold(), item[0]))
    ranks = competition_ranks([points for _, (points, _) in ordered])
    return [TeamRow(rank, name, points, agents)
            for rank, (name, (points, agents)) in zip(ranks, ordered, strict=True)]
