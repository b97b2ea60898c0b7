"""The event log on Kafka: an idempotent producer that returns only once the broker acknowledged.

``acks="all"`` with idempotence (at most 5 requests in flight per connection, which
idempotence allows and which keeps each partition in order across internal retries):
a record is acknowledged once every in-sync replica has it, and the producer's own
retries never duplicate or reorder it. What the producer cannot promise — a record
re-sent by a *new* producer after a crash — the relay's stable CloudEvents ``id`` lets
consumers de-duplicate.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from kafka import KafkaProducer
from kafka.errors import KafkaError

from adapters.cloudevents_envelope import CONTENT_TYPE, EventRecord
from adapters.kafka_admin import ensure_topic
from adapters.kafka_clients import connected

logging.getLogger("kafka").setLevel(logging.CRITICAL)
log = logging.getLogger(__name__)

# Events are the system of record's history: keep them for ever, never compact them away.
EVENT_TOPIC_CONFIG = {"retention.ms": "-1", "cleanup.policy": "delete"}
HEADERS = [("content-type", CONTENT_TYPE.encode())]


class EventLogUnavailable(RuntimeError):
    """The broker did not take the records (down, unreachable, timed out); retry later."""


class EventLogPublisher(Protocol):
    def publish(self, records: Sequence[EventRecord]) -> None:
        """Append ``records`` in order; return once every one is acknowledged, else raise
        :class:`EventLogUnavailable`."""

    def close(self) -> None: ...


class KafkaEventLog:
    """:class:`EventLogPublisher` on one Kafka topic, records keyed by customer id."""

    def __init__(self, producer: KafkaProducer, topic: str, timeout: float) -> None:
        self._producer = producer
        self.topic = topic
        self._timeout = timeout

    @classmethod
    def open(
        cls,
        bootstrap_servers: str,
        topic: str,
        *,
        partitions: int = 6,
        delivery_timeout_ms: int = 10_000,
        linger_ms: int = 5,
    ) -> KafkaEventLog:
        """Create the topic when it is missing, then connect a producer."""
        try:
            ensure_topic(bootstrap_servers, topic, partitions=partitions, config=EVENT_TOPIC_CONFIG,
                         timeout_ms=delivery_timeout_ms)
            producer = connected(
                KafkaProducer,
                bootstrap_servers=bootstrap_servers,
                client_id=f"switchboard-relay-{topic}",
                acks="all",
                enable_idempotence=True,
                max_in_flight_requests_per_connection=5,
                retries=2_147_483_647,  # bounded by delivery_timeout_ms, as Kafka recommends
                linger_ms=linger_ms,
                batch_size=256 * 1024,
                request_timeout_ms=delivery_timeout_ms // 2,
                delivery_timeout_ms=delivery_timeout_ms,
                max_block_ms=delivery_timeout_ms,
                bootstrap_timeout_ms=delivery_timeout_ms // 2,
                retry_backoff_ms=100,
                reconnect_backoff_max_ms=1_000,
            )
        except (KafkaError, OSError) as exc:
            raise EventLogUnavailable(f"Kafka at {bootstrap_servers}: {type(exc).__name__}: {exc}") from exc
        return cls(producer, topic, timeout=delivery_timeout_ms / 1000 + 5)

    def publish(self, records: Sequence[EventRecord]) -> None:
        try:
            futures = [self._producer.send(self.topic, key=r.key, value=r.value, headers=HEADERS)
                       for r in records]
            self._producer.flush(timeout=self._timeout)
            for future in futures:
                future.get(timeout=0)  # raises the error the record failed with
        except KafkaError as exc:
            raise EventLogUnavailable(f"{type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        # A short grace period only: whatever is unacknowledged is re-sent from the stored position.
        try:
            self._producer.close(timeout=1)
        except KafkaError as exc:
            log.warning("Kafka producer for %s did not close cleanly: %s", self.topic, exc)
