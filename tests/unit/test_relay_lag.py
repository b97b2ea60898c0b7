"""The relay's lag gauge: stored events not yet published, asking PostgreSQL for the latest id only
when a full batch says there may be more, and waiting for a NOTIFY after a short batch instead of
reading again (a relay loop against an in-memory store and log)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from uuid import uuid4

from eventsourcing.persistence import Notification
from prometheus_client import REGISTRY

from adapters.cloudevents_envelope import EventRecord
from contact_center.relay import EventRelay

TOPIC = "unit-relay-lag"


def lag() -> float | None:
    return REGISTRY.get_sample_value("switchboard_relay_lag_events", {"topic": TOPIC})


class StoredLog:
    """The relay store's side: ``count`` stored notifications, one relay, the position."""

    def __init__(self, count: int, stop: threading.Event) -> None:
        aggregate = uuid4()
        self.notifications = [Notification(aggregate, n, "topic", b"{}", n) for n in range(1, count + 1)]
        self.stop = stop
        self.saved: list[int] = []
        self.latest_asked = 0
        self.reads = 0

    def try_lock(self) -> bool:
        return True

    def position(self) -> int:
        return self.saved[-1] if self.saved else 0

    def save_position(self, position: int) -> None:
        self.saved.append(position)

    def read_after(self, position: int, limit: int) -> Sequence[Notification]:
        self.reads += 1
        return [n for n in self.notifications if n.id > position][:limit]

    def latest(self) -> int:
        self.latest_asked += 1
        return self.notifications[-1].id

    def wait(self, timeout: float) -> bool:
        self.stop.set()  # caught up: the test is over
        return False

    def close(self) -> None:
        return None


class GaugeReadingLog:
    """The event log's side: notes the lag gauge as each batch is published."""

    def __init__(self) -> None:
        self.lag_at_publish: list[float | None] = []

    def publish(self, records: Sequence[EventRecord]) -> None:
        self.lag_at_publish.append(lag())

    def close(self) -> None:
        return None


def test_the_lag_counts_what_is_unpublished_and_more_is_asked_for_only_after_full_batches() -> None:
    stop = threading.Event()
    store, log = StoredLog(5, stop), GaugeReadingLog()
    relay = EventRelay(TOPIC, lambda: store, lambda: log,
                       lambda n: EventRecord(str(n.id).encode(), b"{}", n.id), batch_size=2)
    relay.run(stop)
    assert store.saved == [2, 4, 5]
    assert log.lag_at_publish == [5, 3, 1]  # before each batch: what is not yet published
    assert store.latest_asked == 2  # after the two full batches; the short one was all there was
    assert store.reads == 3  # after the short batch the relay waits for a NOTIFY, not reads again
    assert lag() == 0
