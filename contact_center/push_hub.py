"""This process's agent sockets, each with a bounded queue of frames on their way out.

Delivery never waits: a frame is put into the queue of every connection of its agent, and a
connection whose queue is full is marked too slow (its session closes it with 4408) rather
than holding up the listener, and with it every other agent. Runs on the event loop only.
"""

from __future__ import annotations

from uuid import UUID

from prometheus_client import Histogram

from adapters.push_store import RoutedFrame
from contact_center.socket_outbox import CONNECTIONS, Outbox

# Fine below 50 ms, where the goal lies (p50 ≤ 5 ms, p99 ≤ 25 ms): a quantile is interpolated
# within its bucket, so a wide bucket makes the reading off by up to its width
# (docs/screen-pop.md, "Measuring").
SCREEN_POP_BUCKETS = (0.001, 0.0015, 0.002, 0.0025, 0.003, 0.0035, 0.004, 0.0045, 0.005, 0.006,
                      0.0075, 0.01, 0.0125, 0.015, 0.0175, 0.02, 0.0225, 0.025, 0.03, 0.035,
                      0.04, 0.05, 0.075, 0.1, 0.25, 0.5, 1.0, 2.5)
SCREEN_POP_SECONDS = Histogram(
    "switchboard_screen_pop_seconds", "Ring received by the CTI webhook → screen_pop frame "
    "written to the agent's socket (live frames, not replays).", buckets=SCREEN_POP_BUCKETS)
ROLE = "agent"


class CatchUp:
    """Queued when frames may have been announced while this process was not listening."""


CATCH_UP = CatchUp()
Outbound = RoutedFrame | CatchUp


class AgentConnection(Outbox[Outbound]):
    def __init__(self, agent_id: UUID, queue_size: int) -> None:
        super().__init__(ROLE, queue_size)
        self.agent_id = agent_id
        self.last_seq = 0  # the newest frame this connection has sent (or skipped past on resync)
        self.last_offered = 0  # the newest frame queued: a frame heard twice is queued once
        self.first_offered: int | None = None  # the first frame queued since the socket opened


class PushHub:
    def __init__(self, queue_size: int) -> None:
        self.queue_size = queue_size
        self._connections: dict[UUID, set[AgentConnection]] = {}

    def attach(self, agent_id: UUID) -> AgentConnection:
        """Register before reading the replay, so no frame falls between the two."""
        connection = AgentConnection(agent_id, self.queue_size)
        self._connections.setdefault(agent_id, set()).add(connection)
        CONNECTIONS.labels(ROLE).inc()
        return connection

    def detach(self, connection: AgentConnection) -> None:
        same_agent = self._connections.get(connection.agent_id, set())
        if connection in same_agent:
            same_agent.discard(connection)
            CONNECTIONS.labels(ROLE).dec()
        if not same_agent:
            self._connections.pop(connection.agent_id, None)

    def deliver(self, frame: RoutedFrame) -> None:
        """Queue ``frame`` for its agent's connections here. A frame comes twice when this
        process published it (handed over at once, then heard from PostgreSQL): the second
        time, and any older frame heard after a newer one, is not queued again — the session
        fills a gap from the window."""
        for connection in tuple(self._connections.get(frame.agent_id, ())):
            if frame.seq > connection.last_offered:
                connection.last_offered = frame.seq
                if connection.first_offered is None:
                    connection.first_offered = frame.seq
                connection.offer(frame)

    def catch_up(self) -> None:
        for same_agent in tuple(self._connections.values()):
            for connection in tuple(same_agent):
                connection.offer(CATCH_UP)

    def connected_agents(self) -> int:
        return len(self._connections)
