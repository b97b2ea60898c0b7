"""``/ws/supervisor`` on a real server with real ``websockets`` clients, fed by the whole
pipeline (API → event store → relay → Kafka → projections → NOTIFY): the snapshot, then only
the leaderboard rows a call moved, calls waiting and agents' presence, an SLA deadline passing,
and who may open the socket."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from websockets.exceptions import InvalidStatus

from adapters.services.stack import Endpoints
from api.app import create_app
from contact_center.bootstrap import Container, bootstrap
from contact_center.leaderboard_views import Period
from contact_center.roles import Role
from contact_center.settings import Settings
from contact_center.wallboard_reads import WatchKey
from contact_center.wallboard_wiring import wallboard
from tests.conftest import signed_in
from tests.e2e.supervisor_sockets import (
    ShiftedClock,
    StuckSocket,
    frame_of,
    frames_of,
    served,
    supervisor_socket,
)
from tests.integration.gamification_requests import stored_positions
from tests.recording_socket import RecordingSocket


def bearer_of(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


class Floor:
    """The contact centre floor, driven over HTTP against the served API."""

    def __init__(self, base: str, container: Container, clock: ShiftedClock) -> None:
        self.base = base
        self.container = container
        self.clock = clock
        self.http = httpx.Client(base_url=base, timeout=60, headers=signed_in(container, Role.ADMIN))
        self.supervisor = bearer_of(signed_in(container, Role.SUPERVISOR))

    def post(self, path: str, body: dict[str, Any] | None = None) -> str:
        response = self.http.post(path, json=body)
        assert response.status_code in (200, 201), response.text
        return str(response.json()["id"])

    def agent(self, name: str, team: str) -> str:
        agent = self.post("/api/v1/agents", {"display_name": name, "login": name.lower(), "team": team})
        self.post(f"/api/v1/agents/{agent}/leaderboard-consent", {"granted": True})
        return agent

    def ring(self, queue: str = "billing") -> str:
        return self.post("/api/v1/interactions/calls", {
            "direction": "inbound", "from_number": "+49 30 5557 1600", "queue": queue})

    def answer_and_end(self, call: str, agent: str, talk_seconds: float) -> None:
        self.clock.offset += timedelta(seconds=5)  # answered after 5 s: +5 points
        self.post(f"/api/v1/interactions/{call}/answer", {"agent_id": agent})
        self.clock.offset += timedelta(seconds=talk_seconds)
        self.post(f"/api/v1/interactions/{call}/end")

    def settle(self) -> None:
        """The read models the wallboard shows have applied every stored event."""
        names = [self.container.projections.get(name).full_name
                 for name in ("gamification", "call_queues", "agent_directory", "cases_sla")]
        for position in stored_positions(self.container):
            for name in names:
                self.container.consistency.require(name, position)


@pytest.fixture
def floor(pipeline_settings: Settings, services: Endpoints) -> Iterator[Floor]:
    clock = ShiftedClock()
    settings = pipeline_settings.model_copy(update={"push_heartbeat_seconds": 1.0,
                                                    "read_wait_seconds": 120.0})
    built = bootstrap(settings, services, clock=clock)
    try:
        with served(create_app(built)) as base:
            yield Floor(base, built, clock)
    finally:
        built.close()


def test_snapshot_then_only_what_moved(floor: Floor) -> None:
    ada, bob, cy = floor.agent("Ada", "north"), floor.agent("Bob", "north"), floor.agent("Cy", "south")
    floor.answer_and_end(floor.ring(), bob, talk_seconds=60)  # Bob: +5 fast answer, +2 long call
    floor.settle()

    with supervisor_socket(floor.base, floor.supervisor, period="day") as ws:
        snapshot = frame_of(ws, "snapshot")
        assert (snapshot["seq"], snapshot["period"], snapshot["team"], snapshot["rules_version"]) == (
            1, "day", None, 1)
        assert [(r["display_name"], r["rank"], r["points"]) for r in snapshot["agents"]] == [
            ("Bob", 1, 7), ("Ada", 2, 0), ("Cy", 2, 0)]
        assert [r["key"] for r in snapshot["agents"]] == [bob, ada, cy]
        assert [(t["team"], t["points"]) for t in snapshot["teams"]] == [("north", 7), ("south", 0)]
        assert snapshot["queues"] == []
        assert snapshot["agents_by_presence"] == {
            "available": 0, "busy": 0, "wrap_up": 0, "away": 0, "offline": 3}
        assert snapshot["sla_breaches"] == []

        response = floor.http.put(f"/api/v1/agents/{ada}/presence", json={"presence": "available"})
        assert response.status_code == 200, response.text
        present = frame_of(ws, "queue_changed")
        assert present["agents_by_presence"]["available"] == 1
        assert present["queues"] == []

        call = floor.ring("billing")
        ringing = frame_of(ws, "queue_changed")
        assert [(q["queue"], q["waiting"]) for q in ringing["queues"]] == [("billing", 1)]
        floor.answer_and_end(call, ada, talk_seconds=15)  # Ada: +5 only (talk under 30 s)
        # The call queues and the leaderboard are projected apart: either frame may come first.
        after = frames_of(ws, "queue_changed", "leaderboard_changed")
        answered, moved = after["queue_changed"], after["leaderboard_changed"]
        assert answered["queues"] == [{"queue": "billing", "waiting": 0, "oldest_rang_at": None}]
        # Ada gained points, Cy dropped a rank; Bob, still first with 7, is not sent again.
        assert [(r["key"], r["rank"], r["points"]) for r in moved["agents"]] == [(ada, 2, 5), (cy, 3, 0)]
        assert moved["agents_removed"] == []
        assert [(t["team"], t["points"]) for t in moved["teams"]] == [("north", 12)]
        assert (moved["period"], moved["starts_at"]) == ("day", snapshot["starts_at"])
        assert [f["seq"] for f in (present, ringing)] == [2, 3]
        assert sorted(f["seq"] for f in (answered, moved)) == [4, 5]

    with supervisor_socket(floor.base, floor.supervisor, in_query=True, period="week", team="south") as south:
        snapshot = frame_of(south, "snapshot")
        assert (snapshot["period"], snapshot["team"]) == ("week", "south")
        assert [r["display_name"] for r in snapshot["agents"]] == ["Cy"]
        assert snapshot["agents_by_presence"]["offline"] == 1
        heartbeat = frame_of(south, "heartbeat", timeout=30)
        assert heartbeat == {"type": "heartbeat", "last_seq": 1}


def test_an_sla_deadline_passing_is_announced_and_its_resolution_clears_it(floor: Floor) -> None:
    customer = floor.post("/api/v1/customers", {"display_name": "Ada Lovelace"})
    with supervisor_socket(floor.base, floor.supervisor) as ws:
        assert frame_of(ws, "snapshot")["sla_breaches"] == []
        floor.clock.offset = timedelta(seconds=-57)  # opened 57 s ago: 3 s left to respond
        case = floor.post("/api/v1/cases", {
            "kind": "complaint", "category": "billing", "priority": "high", "summary": "charged twice",
            "customer_id": customer, "first_response_minutes": 1, "resolution_minutes": 60})
        floor.clock.offset = timedelta()
        breached = frame_of(ws, "sla_breached", timeout=90)
        assert datetime.fromisoformat(breached["due"]) < floor.clock.now()
        assert (breached["case_id"], breached["deadline"], breached["queue"], breached["status"]) == (
            case, "first_response", "billing", "open")
        listed = floor.http.get("/api/v1/cases", params={"breached": "true"}).json()["items"]
        assert [c["id"] for c in listed] == [case]
        assert listed[0]["first_response_due"].replace("Z", "+00:00") == breached["due"]

        floor.post(f"/api/v1/cases/{case}/resolve", {"resolution_code": "refunded",
                                                      "first_contact_resolution": False})
        cleared = frame_of(ws, "sla_cleared")
        assert cleared["case_id"] == case
    with supervisor_socket(floor.base, floor.supervisor) as again:
        assert frame_of(again, "snapshot")["sla_breaches"] == []


def test_only_supervisors_and_admins_may_watch(floor: Floor) -> None:
    agent = bearer_of(signed_in(floor.container, Role.AGENT))
    for token, status in ((None, 401), ("v1.forged", 401), (agent, 403)):
        with pytest.raises(InvalidStatus) as refused:
            supervisor_socket(floor.base, token)
        assert refused.value.response.status_code == status
    with pytest.raises(InvalidStatus) as refused:
        supervisor_socket(floor.base, floor.supervisor, period="year")
    assert refused.value.response.status_code == 422  # a bad parameter, not a refusal of the role
    admin = bearer_of(signed_in(floor.container, Role.ADMIN))
    for token in (floor.supervisor, admin):
        with supervisor_socket(floor.base, token, in_query=True) as ws:
            assert frame_of(ws, "snapshot")["seq"] == 1


def test_a_slow_supervisor_is_dropped_and_nobody_waits_for_it(floor: Floor) -> None:
    """A second wallboard, as in another API process: it hears the server's projection commits
    through PostgreSQL alone. Its queues hold two frames."""
    ada = floor.agent("Ada", "north")
    floor.settle()
    built = floor.container
    settings = built.settings.model_copy(update={"push_queue_size": 2})

    async def scenario() -> None:
        board = wallboard(settings, built.endpoints, built.read_store, built.leaderboards, floor.clock)
        await board.start()
        everyone = WatchKey(Period.DAY, None)
        stuck, brisk = StuckSocket(), RecordingSocket()
        async with board.session(everyone) as slow_session, board.session(everyone) as fast_session:
            slow = asyncio.create_task(slow_session.run(stuck))
            fast = asyncio.create_task(fast_session.run(brisk))
            assert (await brisk.next("snapshot"))["agents_by_presence"]["offline"] == 1
            for presence in ("available", "away", "available", "away"):
                await asyncio.to_thread(floor.http.put, f"/api/v1/agents/{ada}/presence",
                                        json={"presence": presence})
                changed = await brisk.next("queue_changed")
                assert changed["agents_by_presence"][presence] == 1
            await asyncio.wait_for(slow, 60)  # snapshot stuck in the write, two queued, one too many
            assert stuck.closed_with == (4408, "too slow")
            assert not fast.done()
            await asyncio.to_thread(floor.http.put, f"/api/v1/agents/{ada}/presence",
                                    json={"presence": "busy"})
            assert (await brisk.next("queue_changed"))["agents_by_presence"]["busy"] == 1
            brisk.gone.set()
            await fast
        assert board.connected() == 0
        await board.stop()

    # A thread of its own: session fixtures (a sync browser) may hold this thread's event loop.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, scenario()).result()
