"""The push hub queues each frame once per connection, however often it is heard."""

from __future__ import annotations

import asyncio
from uuid import uuid4

from adapters.push_store import RoutedFrame
from contact_center.push_hub import PushHub


def test_a_frame_heard_twice_or_late_is_queued_once() -> None:
    async def scenario() -> None:
        hub = PushHub(queue_size=8)
        agent, other = uuid4(), uuid4()
        first, second = hub.attach(agent), hub.attach(agent)
        elsewhere = hub.attach(other)
        frame = [RoutedFrame(agent, seq, "call_ended", f'{{"seq":{seq}}}') for seq in (1, 2, 3)]
        for heard in (frame[1], frame[1], frame[0], frame[2], frame[2]):
            hub.deliver(heard)  # handed over by the publisher, then heard from PostgreSQL
        for connection in (first, second):
            queued = [connection.queue.get_nowait() for _ in range(connection.queue.qsize())]
            # the late seq 1 is left to the session's gap fill
            assert [f.seq if isinstance(f, RoutedFrame) else f for f in queued] == [2, 3]
            assert connection.last_offered == 3
        assert elsewhere.queue.empty()

    asyncio.run(scenario())
