"""The event relay: every stored event, in notification-log order, appended to the event log.

One loop, run by whichever relay holds the lock (the others wait as hot standbys)::

    position = stored position
    repeat:  read up to N notifications after position   (none: wait for a NOTIFY)
             publish them, block until all acknowledged    (broker error: back off, retry)
             store position = last id                      (only after the acknowledgement)

So nothing is skipped and nothing is reordered; a crash between the acknowledgement and
the position write re-sends that batch once more (at least once), with the same ids.
See docs/relay.md for the guarantees and failure modes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from prometheus_client import Counter, Gauge, Histogram

from adapters.kafka_producer import EventLogUnavailable
from adapters.relay_store import RelayStoreUnavailable

if TYPE_CHECKING:
    from eventsourcing.persistence import Notification

    from adapters.cloudevents_envelope import EventRecord
    from adapters.kafka_producer import EventLogPublisher
    from adapters.relay_store import RelayStore

log = logging.getLogger(__name__)

PUBLISHED = Counter("switchboard_relay_published", "Events appended to the event log and "
                    "acknowledged by the broker (re-sends included).", ["topic"])
LAG = Gauge("switchboard_relay_lag_events", "Latest stored notification id minus the published "
            "position, as last seen by the active relay.", ["topic"])
PUBLISH_SECONDS = Histogram(
    "switchboard_relay_publish_seconds", "Time to publish one batch until every record is "
    "acknowledged.", ["topic"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
ACTIVE = Gauge("switchboard_relay_active", "1 while this process holds the relay lock.", ["topic"])


class EventRelay:
    def __init__(
        self,
        topic: str,
        open_store: Callable[[], RelayStore],
        open_publisher: Callable[[], EventLogPublisher],
        to_record: Callable[[Notification], EventRecord],
        *,
        batch_size: int = 1000,
        heartbeat: float = 1.0,
        lock_retry: float = 0.5,
        max_backoff: float = 5.0,
    ) -> None:
        self.topic = topic
        self._open_store = open_store
        self._open_publisher = open_publisher
        self._to_record = to_record
        self.batch_size = batch_size
        self.heartbeat = heartbeat
        self.lock_retry = lock_retry
        self.max_backoff = max_backoff
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._failures = 0

    # -- as a background thread (``switchboard serve``) ------------------------------------

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run_logged, name=f"relay:{self.topic}",
                                        daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the loop to stop and wait for it (it stops between batches)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run_logged(self) -> None:
        try:
            self.run(self._stop)
        except Exception:
            log.exception("relay for %s stopped on an unexpected error", self.topic)
            raise

    # -- the loop ----------------------------------------------------------------------------

    def run(self, stop: threading.Event | None = None) -> None:
        """Relay until ``stop`` is set; PostgreSQL and broker outages are waited out."""
        stop = stop or self._stop
        while not stop.is_set():
            try:
                store = self._open_store()
            except RelayStoreUnavailable as exc:
                log.warning("relay for %s: %s; retrying", self.topic, exc)
                stop.wait(self._backoff())
                continue
            self._failures = 0
            try:
                self._lead_when_elected(store, stop)
            except RelayStoreUnavailable as exc:
                log.warning("relay for %s lost PostgreSQL (%s); reconnecting", self.topic, exc)
                stop.wait(self._backoff())
            finally:
                ACTIVE.labels(self.topic).set(0)
                store.close()

    def _lead_when_elected(self, store: RelayStore, stop: threading.Event) -> None:
        standing_by = False
        while not store.try_lock():
            if stop.is_set():
                return
            if not standing_by:
                log.info("relay for %s: standing by (another relay holds the lock)", self.topic)
                standing_by = True
            store.wait(self.lock_retry)
        ACTIVE.labels(self.topic).set(1)
        log.info("relay for %s: active", self.topic)
        self._publish_until_stopped(store, stop)

    def _publish_until_stopped(self, store: RelayStore, stop: threading.Event) -> None:
        publisher: EventLogPublisher | None = None
        position = store.position()
        try:
            while not stop.is_set():
                batch = store.read_after(position, self.batch_size)
                if batch:
                    # Only a full batch may have more behind it: a shorter one is all there was.
                    behind = store.latest() if len(batch) == self.batch_size else batch[-1].id
                    LAG.labels(self.topic).set(max(0, behind - position))
                    try:
                        publisher = self._publish(publisher, batch)
                    except EventLogUnavailable as exc:
                        log.warning("relay for %s: event log unavailable (%s); position %d kept",
                                    self.topic, exc, position)
                        publisher = None
                        stop.wait(self._backoff())
                        continue
                    position = batch[-1].id
                    store.save_position(position)
                    PUBLISHED.labels(self.topic).inc(len(batch))
                    self._failures = 0
                if len(batch) < self.batch_size:
                    # All there was at the read (nothing, or a short batch): wait for a NOTIFY
                    # rather than read again at once; the timeout is a heartbeat. Saves
                    # committed meanwhile have notified already, so it returns at once for them.
                    LAG.labels(self.topic).set(0)
                    store.wait(self.heartbeat)
        finally:
            if publisher is not None:
                publisher.close()

    def _publish(self, publisher: EventLogPublisher | None,
                 batch: Sequence[Notification]) -> EventLogPublisher:
        """Send ``batch`` with ``publisher`` (opened if None) and block until the broker has
        acknowledged every record; the publisher to go on with. On failure it is closed."""
        publisher = publisher or self._open_publisher()
        try:
            with PUBLISH_SECONDS.labels(self.topic).time():
                publisher.publish([self._to_record(notification) for notification in batch])
        except EventLogUnavailable:
            publisher.close()
            raise
        return publisher

    def _backoff(self) -> float:
        self._failures += 1
        return float(min(self.max_backoff, 0.2 * 2 ** min(self._failures - 1, 8)))
