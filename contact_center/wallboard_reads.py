"""What the supervisors' wallboard reads from the read models (blocking; run in a thread).

Leaderboards come from :class:`LeaderboardService` (the served gamification version, the
pseudonymised view: a wallboard hangs where every agent sees it); calls waiting from the
call-queues read model; agents by presence from the agent directory; SLA breaches from the
cases & SLA read model at the clock's ``now``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from adapters.clock import Clock
from adapters.read_store import ReadStore
from contact_center.leaderboard_views import Period
from contact_center.leaderboards import LeaderboardService
from contact_center.read_your_writes import ReadNotReady
from contact_center.wallboard_rows import BoardView, Row
from domain.agent_profile import Presence
from domain.sla import SlaState
from projections.agent_directory import presence_by_team
from projections.call_queues import waiting
from projections.cases_sla_queries import CaseFilter, list_cases, next_deadline

MAX_BREACHES = 10_000  # a backlog beyond this is a different problem than a wallboard can show


@dataclass(frozen=True)
class WatchKey:
    """What one supervisor socket watches."""

    period: Period
    team: str | None


@dataclass(frozen=True)
class QueueView:
    queues: dict[str, Row]  # by queue: waiting, oldest_rang_at
    presence: dict[tuple[str | None, str], int]  # active agents by (team, presence)

    def agents(self, team: str | None) -> Row:
        """Agents by presence: of one team, or all of them."""
        counts = {p.value: 0 for p in Presence}
        for (of_team, presence), count in self.presence.items():
            if team is None or of_team == team:
                counts[presence] = counts.get(presence, 0) + count
        return counts


@dataclass(frozen=True)
class Breaches:
    rows: dict[str, Row]  # by "<case id>:<deadline>"
    next_deadline: datetime | None  # when the next one can happen


class WallboardReads:
    def __init__(self, leaderboards: LeaderboardService, reads: ReadStore, clock: Clock) -> None:
        self.leaderboards = leaderboards
        self.reads = reads
        self.clock = clock

    def boards(self, keys: Iterable[WatchKey]) -> dict[WatchKey, BoardView]:
        wanted = list(keys)
        try:
            found = self.leaderboards.boards([(k.period, k.team) for k in wanted])
        except ReadNotReady:
            return {key: BoardView.empty() for key in wanted}
        return {key: BoardView.of(found[(key.period, key.team)]) for key in wanted}

    def queues(self) -> QueueView:
        with self.reads.reading() as tx:
            calls = waiting(tx)
            presence = presence_by_team(tx)
        return QueueView({c.queue: {"queue": c.queue, "waiting": c.waiting,
                                    "oldest_rang_at": c.oldest_rang_at.isoformat()} for c in calls},
                         presence)

    def breaches(self) -> Breaches:
        now = self.clock.now()
        with self.reads.reading() as tx:
            cases = list_cases(tx, CaseFilter(breached=True), now, MAX_BREACHES)
            upcoming = next_deadline(tx, now)
        rows: dict[str, Row] = {}
        for case in cases:
            for deadline, state, due in (("first_response", case.response, case.first_response_due),
                                         ("resolution", case.resolution, case.resolution_due)):
                if state is SlaState.BREACHED:
                    rows[f"{case.case_id}:{deadline}"] = {
                        "case_id": str(case.case_id), "deadline": deadline, "due": due.isoformat(),
                        "queue": case.queue, "kind": case.kind, "priority": case.priority,
                        "status": case.status, "escalation_level": case.escalation_level,
                        "assignee_id": None if case.assignee_id is None else str(case.assignee_id)}
        return Breaches(rows, upcoming)
