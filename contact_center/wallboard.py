"""The supervisors' wallboard in one API process: a snapshot per socket, then only changes.

Driven by projection commits, whichever process the workers run in: every commit NOTIFYs the
projection's name (:mod:`adapters.projection_feed`), and the wallboard recomputes what that
projection feeds — the standings of every (period, team) its sockets watch after a gamification
commit, the queues after a call-queues or agent-directory commit, the SLA breaches after a
cases commit — and sends each socket only what differs from what it was last sent. Commits
arriving during a recomputation are folded into the next one. Two timers need no commit: the
next SLA deadline (a breach is a deadline passing) and the end of a watched period.

Each of the three streams has a lock held while it recomputes and sends; a new socket takes
all three while its snapshot is made and it joins, so no change is lost or sent twice between
its snapshot and its first change. Nothing is computed while no supervisor is connected.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from adapters.clock import Clock
from adapters.projection_feed import ProjectionCommits
from contact_center.socket_outbox import CONNECTIONS
from contact_center.wallboard_reads import Breaches, QueueView, WallboardReads, WatchKey
from contact_center.wallboard_rows import BoardView, diff, risen_badges
from contact_center.wallboard_session import ROLE, Outgoing, SupervisorConnection, SupervisorSession

log = logging.getLogger("switchboard.wallboard")
T = TypeVar("T")
QUEUE_PROJECTIONS = ("call_queues_v1", "agent_directory_v1")
SLA_PROJECTION = "cases_sla_v1"


class Watch:
    def __init__(self, view: BoardView) -> None:
        self.view = view
        self.connections: set[SupervisorConnection] = set()

    def send(self, frame: Outgoing) -> None:
        for connection in tuple(self.connections):
            connection.offer(frame)


class Wallboard:
    def __init__(self, reads: WallboardReads, commits: ProjectionCommits, clock: Clock, *,
                 queue_size: int, heartbeat_seconds: float) -> None:
        self.reads = reads
        self.commits = commits
        self.clock = clock
        self.queue_size = queue_size
        self.heartbeat_seconds = heartbeat_seconds
        self._watches: dict[WatchKey, Watch] = {}
        self._queues: QueueView | None = None
        self._breaches: Breaches | None = None
        self._locks = (asyncio.Lock(), asyncio.Lock(), asyncio.Lock())  # boards, queues, SLA
        self._dirty = (asyncio.Event(), asyncio.Event(), asyncio.Event())
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        if not self._tasks:
            self._tasks = [asyncio.create_task(self.commits.run(self.committed, self.reconnected)),
                           asyncio.create_task(self._forever(0, self._boards_due, self._refresh_boards)),
                           asyncio.create_task(self._forever(1, lambda: None, self._refresh_queues)),
                           asyncio.create_task(self._forever(2, self._deadline_due, self._refresh_sla))]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    def committed(self, projection: str) -> None:
        if projection.startswith("gamification_"):
            self._dirty[0].set()
        elif projection in QUEUE_PROJECTIONS:
            self._dirty[1].set()
        elif projection == SLA_PROJECTION:
            self._dirty[2].set()

    def reconnected(self) -> None:
        """Listening (again): commits may have gone unheard meanwhile."""
        for dirty in self._dirty:
            dirty.set()

    @contextlib.asynccontextmanager
    async def session(self, key: WatchKey) -> AsyncIterator[SupervisorSession]:
        """A socket's session: its snapshot is queued first, its changes after."""
        connection = SupervisorConnection(key, self.queue_size)
        async with self._locks[0], self._locks[1], self._locks[2]:
            watch = self._watches.get(key)
            if watch is None:
                views = await self._read(lambda: self.reads.boards([key]), {key: BoardView.empty()})
                watch = self._watches[key] = Watch(views[key])
                self._dirty[0].set()  # (re)arm the end-of-period timer for this period
            if self._queues is None:
                self._queues = await self._read(self.reads.queues, QueueView({}, {}))
            if self._breaches is None:
                self._breaches = await self._read(self.reads.breaches, Breaches({}, None))
                self._dirty[2].set()  # (re)arm the deadline timer
            connection.offer(self._snapshot(key, watch.view, self._queues, self._breaches))
            watch.connections.add(connection)
        CONNECTIONS.labels(ROLE).inc()
        try:
            yield SupervisorSession(connection, heartbeat_seconds=self.heartbeat_seconds)
        finally:
            watch.connections.discard(connection)
            CONNECTIONS.labels(ROLE).dec()

    def connected(self) -> int:
        return sum(len(w.connections) for w in self._watches.values())

    async def _forever(self, stream: int, due: Callable[[], datetime | None],
                       refresh: Callable[[], Awaitable[None]]) -> None:
        dirty = self._dirty[stream]
        while True:
            at = due()
            timeout = None if at is None else max(0.0, (at - self.clock.now()).total_seconds()) + 0.001
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(dirty.wait(), timeout)
            dirty.clear()
            try:
                async with self._locks[stream]:
                    await refresh()
            except Exception:
                log.exception("wallboard refresh failed; trying again at the next commit")

    def _boards_due(self) -> datetime | None:
        """The end of the soonest watched period: standings start over then."""
        ends = [datetime.fromisoformat(w.view.head["ends_at"]) for w in self._watches.values()
                if w.connections and w.view.head["ends_at"]]
        return min(ends, default=None)

    def _deadline_due(self) -> datetime | None:
        return None if self._breaches is None else self._breaches.next_deadline

    async def _refresh_boards(self) -> None:
        for key in [k for k, w in self._watches.items() if not w.connections]:
            del self._watches[key]
        if not self._watches:
            return
        views = await asyncio.to_thread(self.reads.boards, list(self._watches))
        for key, watch in self._watches.items():
            before, after = watch.view, views[key]
            watch.view = after
            agents, teams = diff(before.agents, after.agents), diff(before.teams, after.teams)
            if agents or teams or before.head != after.head:
                watch.send(Outgoing("leaderboard_changed", {
                    "period": key.period.value, "team": key.team, **after.head,
                    "agents": agents.changed, "agents_removed": agents.removed,
                    "teams": teams.changed, "teams_removed": teams.removed}))
            for row in risen_badges(before.agents, after.agents):
                watch.send(Outgoing("badge_earned", {"period": key.period.value, "team": key.team,
                                                     **{k: row[k] for k in BADGE_FIELDS}}))

    async def _refresh_queues(self) -> None:
        if not self.connected():
            self._queues = None
            return
        before = self._queues
        after = self._queues = await asyncio.to_thread(self.reads.queues)
        if before is None:
            return
        changes = diff(before.queues, after.queues)
        queues = changes.changed + [{"queue": q, "waiting": 0, "oldest_rang_at": None}
                                    for q in changes.removed]
        for key, watch in self._watches.items():
            agents = after.agents(key.team)
            if queues or agents != before.agents(key.team):
                watch.send(Outgoing("queue_changed", {"queues": queues, "agents_by_presence": agents}))

    async def _refresh_sla(self) -> None:
        if not self.connected():
            self._breaches = None
            return
        before = self._breaches
        after = self._breaches = await asyncio.to_thread(self.reads.breaches)
        if before is None:
            return
        changes = diff(before.rows, after.rows)
        # A breached case that changes (assigned, escalated) is not a new breach.
        frames = [Outgoing("sla_breached", row) for row in changes.changed
                  if f"{row['case_id']}:{row['deadline']}" not in before.rows]
        frames += [Outgoing("sla_cleared", {"case_id": key.split(":")[0], "deadline": key.split(":")[1]})
                   for key in changes.removed]
        for watch in self._watches.values():
            for frame in frames:
                watch.send(frame)

    async def _read(self, read: Callable[[], T], fallback: T) -> T:
        """A snapshot's part, or ``fallback`` (empty) when its read model cannot be read yet (no
        worker has created it): a recomputation then sends the socket everything as changes."""
        try:
            return await asyncio.to_thread(read)
        except Exception:
            log.warning("wallboard snapshot: a read model is not readable yet", exc_info=True)
            self.reconnected()
            return fallback

    @staticmethod
    def _snapshot(key: WatchKey, board: BoardView, queues: QueueView, breaches: Breaches) -> Outgoing:
        return Outgoing("snapshot", {
            "period": key.period.value, "team": key.team, **board.head,
            "agents": list(board.agents.values()), "teams": list(board.teams.values()),
            "queues": list(queues.queues.values()), "agents_by_presence": queues.agents(key.team),
            "sla_breaches": list(breaches.rows.values())})


BADGE_FIELDS = ("key", "agent_id", "alias", "display_name", "team", "badges")

