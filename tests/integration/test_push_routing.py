"""Push frames through PostgreSQL: numbering under concurrent publishers, NOTIFY order, frames
too big for a NOTIFY, the replay window."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from uuid import UUID, uuid4

import pytest

from adapters.push_feed import PostgresPushFeed
from adapters.push_store import OutgoingFrame, PostgresPushStore, RoutedFrame
from adapters.services.stack import Endpoints


@pytest.fixture
def stores(services: Endpoints, pg_schema: str) -> Iterator[tuple[PostgresPushStore, PostgresPushStore]]:
    """Two stores on one schema: two API processes' publishers."""
    made = [PostgresPushStore(services.database_url, pg_schema, window_frames=50, window_seconds=600)
            for _ in range(2)]
    try:
        yield made[0], made[1]
    finally:
        for store in made:
            store.close()


def hearing(feed: PostgresPushFeed, expected: int) -> tuple[list[RoutedFrame], threading.Event,
                                                            threading.Event, asyncio.Task[None]]:
    """The feed running on a loop of its own thread; the second event is set once
    ``expected`` frames were heard."""
    heard: list[RoutedFrame] = []
    ready, complete = threading.Event(), threading.Event()

    def deliver(frame: RoutedFrame) -> None:
        heard.append(frame)
        if len(heard) == expected:
            complete.set()

    loop = asyncio.new_event_loop()
    task = loop.create_task(feed.run(deliver, ready.set))
    threading.Thread(target=loop.run_until_complete, args=(asyncio.wait([task]),), daemon=True).start()
    return heard, ready, complete, task


def test_concurrent_publishers_number_one_agent_without_gaps_and_notify_in_order(
        services: Endpoints, pg_schema: str, stores: tuple[PostgresPushStore, PostgresPushStore]) -> None:
    agents = [uuid4(), uuid4()]
    feed = PostgresPushFeed(services.database_url, pg_schema, stores[0])
    heard, ready, complete, task = hearing(feed, 2 * 160)
    assert ready.wait(10)

    def publish(store: PostgresPushStore, n: int) -> None:
        for k in range(n):  # each call frames both agents, in a different order per thread
            ordered = agents if k % 2 else agents[::-1]
            store.append([OutgoingFrame(a, "call_ended", {"k": k}) for a in ordered])

    threads = [threading.Thread(target=publish, args=(store, 40)) for store in (*stores, *stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert complete.wait(30), f"heard {len(heard)} of {2 * 160} frames"
    finally:
        task.get_loop().call_soon_threadsafe(task.cancel)
    for agent in agents:
        seqs = [frame.seq for frame in heard if frame.agent_id == agent]
        assert seqs == list(range(1, 161))  # every frame, numbered once, heard in order
        bodies = [json.loads(frame.body) for frame in heard if frame.agent_id == agent]
        assert [body["seq"] for body in bodies] == seqs


def test_big_frames_are_announced_by_row_id_and_the_window_replays(
        stores: tuple[PostgresPushStore, PostgresPushStore]) -> None:
    store, agent = stores[0], uuid4()
    (big,) = store.append([OutgoingFrame(agent, "screen_pop", {"padding": "x" * 20_000}, 12.5)])
    with store.pool.connection() as conn:
        row = conn.execute("SELECT id FROM push_frames WHERE agent_id = %s", (agent,)).fetchone()
    assert row is not None
    assert store.frame(int(row[0])) == big
    assert big.received_at == 12.5
    for _ in range(60):
        store.append([OutgoingFrame(agent, "call_ended", {})])
    assert store.replay(agent, None).current == 61
    kept = store.replay(agent, 11)
    assert (kept.complete, [f.seq for f in kept.frames]) == (True, list(range(12, 62)))
    gone = store.replay(agent, 5)  # frames 6..11 fell out of the 50-frame window
    assert (gone.complete, gone.current) == (False, 61)
    assert store.replay(agent, 61) == store.replay(agent, 61, None)
    assert store.replay(agent, 61).complete
    assert not store.replay(agent, 62).complete  # a seq this database never issued
    assert store.replay(uuid4(), None).current == 0
    assert [f.seq for f in store.replay(agent, 20, 22).frames] == [21, 22]


def test_unknown_agent_has_nothing_to_replay(stores: tuple[PostgresPushStore, PostgresPushStore]) -> None:
    agent: UUID = uuid4()
    assert stores[1].replay(agent, 0).complete
    assert stores[1].prune() >= 0


def test_one_batch_numbers_each_agent_in_batch_order_and_prune_keeps_the_window(
        stores: tuple[PostgresPushStore, PostgresPushStore]) -> None:
    store, a, b = stores[0], uuid4(), uuid4()
    store.append([OutgoingFrame(a, "call_ended", {})])
    batch = [OutgoingFrame(agent, "call_taken", {"k": k, "text": 'quote " and \\ slash'})
             for k, agent in enumerate([a, b, a, a, b])]
    routed = store.append(batch)
    assert [(frame.agent_id, frame.seq) for frame in routed] == [(a, 2), (b, 1), (a, 3), (a, 4), (b, 2)]
    assert [json.loads(frame.body) for frame in routed] == [
        {"type": "call_taken", "seq": frame.seq, "k": k, "text": 'quote " and \\ slash'}
        for k, frame in enumerate(routed)]
    assert json.loads(store.replay(a, 0).frames[0].body) == {"type": "call_ended", "seq": 1}
    for _ in range(70):
        store.append([OutgoingFrame(a, "call_ended", {})])
    assert store.prune() == 74 - 50  # a's frames behind its last 50; b's two stay
    assert [f.seq for f in store.replay(a, 24).frames] == list(range(25, 75))
    assert [f.seq for f in store.replay(b, 0).frames] == [1, 2]
