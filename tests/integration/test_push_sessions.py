"""A socket's session against real push tables: gaps in what the listener heard are filled
from the window, a re-listening feed makes every session catch up, and a real feed whose
PostgreSQL session is killed delivers what was published meanwhile."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any
from uuid import uuid4

import psycopg
import pytest

from adapters.push_feed import PostgresPushFeed
from adapters.push_store import OutgoingFrame, PostgresPushStore, RoutedFrame
from adapters.services.stack import Endpoints
from contact_center.push_routing import PushRouter
from tests.recording_socket import RecordingSocket

Frame = dict[str, Any]


class SilentFeed:
    """A feed that listens and hears nothing: frames reach sessions only as the test hands them."""

    async def run(self, deliver: Callable[[RoutedFrame], None], connected: Callable[[], None]) -> None:
        connected()
        await asyncio.Event().wait()


@pytest.fixture
def store(services: Endpoints, pg_schema: str) -> Iterator[PostgresPushStore]:
    made = PostgresPushStore(services.database_url, pg_schema, window_frames=100, window_seconds=600)
    try:
        yield made
    finally:
        made.close()


def frames(store: PostgresPushStore, agent: Any, n: int) -> list[RoutedFrame]:
    return [store.append([OutgoingFrame(agent, "call_ended", {"n": k})])[0] for k in range(n)]


@asynccontextmanager
async def agent_socket(router: PushRouter, agent: Any) -> AsyncIterator[RecordingSocket]:
    """An agent's socket served by ``router`` while the block runs; then the client leaves."""
    socket = RecordingSocket()
    with router.session(agent) as session:
        running = asyncio.create_task(session.run(socket, None, expires_at=1e12))
        try:
            yield socket
        finally:
            socket.gone.set()
            await running


def test_a_gap_is_filled_from_the_window_and_a_catch_up_fetches_the_rest(store: PostgresPushStore) -> None:
    async def scenario() -> None:
        router = PushRouter(store, SilentFeed(), queue_size=8, heartbeat_seconds=30)
        agent = uuid4()
        await router.start()
        async with agent_socket(router, agent) as socket:
            assert await socket.next() == {"type": "heartbeat", "last_seq": 0}
            published = await asyncio.to_thread(frames, store, agent, 5)
            router.hub.deliver(published[2])  # the listener heard only the third
            assert [(await socket.next())["n"] for _ in range(3)] == [0, 1, 2]
            router.hub.deliver(published[1])  # late and already sent: skipped
            router.hub.catch_up()  # the listener re-connected: whatever it missed is fetched
            assert [(await socket.next())["seq"] for _ in range(2)] == [4, 5]
        assert router.hub.connected_agents() == 0
        await router.stop()

    run_apart(scenario())


def test_the_publishing_process_hands_its_frames_to_its_own_sockets_without_the_feed(
        store: PostgresPushStore) -> None:
    async def scenario() -> None:
        router = PushRouter(store, SilentFeed(), queue_size=8, heartbeat_seconds=30)
        agent = uuid4()
        await router.start()
        async with agent_socket(router, agent) as socket:
            await socket.next("heartbeat")

            def publish() -> tuple[list[RoutedFrame], int]:
                published = router.publish([OutgoingFrame(agent, "call_ended", {"n": n}) for n in range(3)])
                return published, socket.frames.qsize()  # sent by the time publish returned

            published, sent = await asyncio.to_thread(publish)
            assert [f.seq for f in published] == [1, 2, 3]
            assert sent == 3
            assert [(await socket.next("call_ended"))["n"] for _ in range(3)] == [0, 1, 2]
        await router.stop()
        after = await asyncio.to_thread(router.publish, [OutgoingFrame(agent, "call_ended", {"n": 3})])
        assert [f.seq for f in after] == [4]  # stopped: stored for replay, handed to nobody here

    run_apart(scenario())


def test_a_fresh_client_gets_a_frame_published_while_its_session_starts(store: PostgresPushStore) -> None:
    async def scenario() -> None:
        router = PushRouter(store, SilentFeed(), queue_size=8, heartbeat_seconds=30)
        agent, socket = uuid4(), RecordingSocket()
        await router.start()
        await asyncio.to_thread(router.publish, [OutgoingFrame(agent, "call_ended", {"n": 0})])
        with router.session(agent) as session:  # the socket is open ...
            # ... and a ring pops before the session has read where the agent's frames stand
            published = await asyncio.to_thread(router.publish, [OutgoingFrame(agent, "screen_pop", {})])
            running = asyncio.create_task(session.run(socket, None, expires_at=1e12))
            assert await socket.next() == {"type": "heartbeat", "last_seq": 1}  # not the one before
            assert (await socket.next())["seq"] == published[0].seq == 2
            socket.gone.set()
            await running
        await router.stop()

    run_apart(scenario())


def test_a_socket_is_closed_when_its_token_expires(store: PostgresPushStore) -> None:
    async def scenario() -> None:
        router = PushRouter(store, SilentFeed(), queue_size=8, heartbeat_seconds=30)
        socket = RecordingSocket()
        await router.start()
        with router.session(uuid4()) as session:
            await asyncio.wait_for(session.run(socket, None, expires_at=time.time() + 0.5), 15)
        assert socket.closed_with == (4401, "token expired")
        await router.stop()

    run_apart(scenario())


def test_a_killed_feed_listens_again_and_nothing_is_lost(services: Endpoints, pg_schema: str,
                                                         store: PostgresPushStore) -> None:
    async def scenario() -> None:
        feed = PostgresPushFeed(services.database_url, pg_schema, store, max_backoff=0.5)
        router = PushRouter(store, feed, queue_size=8, heartbeat_seconds=30)
        agent = uuid4()
        await router.start()
        async with agent_socket(router, agent) as socket:
            await socket.next("heartbeat")
            await asyncio.to_thread(kill_feed, services.database_url, feed.application_name)
            await asyncio.to_thread(frames, store, agent, 3)  # while nobody listens, most likely
            assert [(await socket.next("call_ended"))["seq"] for _ in range(3)] == [1, 2, 3]
        await router.stop()

    run_apart(scenario())


def run_apart(scenario: Coroutine[Any, Any, None]) -> None:
    """On a thread of its own: session fixtures (a sync browser) may hold this thread's event loop."""
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, scenario).result()


def kill_feed(database_url: str, application_name: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        killed = conn.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                              "WHERE application_name = %s", (application_name,)).fetchone()
    assert killed == (1,)
