"""Kafka clients that leave nothing running behind when they cannot reach the broker.

kafka-python starts a client's IO thread before it bootstraps. When the bootstrap fails (the
broker is down), the constructor raises and that thread lives on with its sockets, out of
reach of the caller. A readiness probe, or a worker retrying through a broker outage, would
leak one per attempt. :func:`connected` builds a client and, when building fails, closes
the network client it made.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from kafka import KafkaConsumer
from kafka.net.compat import KafkaNetClient

Client = TypeVar("Client")


def connected(make: Callable[..., Client], **config: Any) -> Client:
    """``make(**config)`` (``KafkaConsumer``, ``KafkaProducer``, ``KafkaAdminClient``), with
    its network client closed again if construction raises."""
    made: list[KafkaNetClient] = []

    class Tracked(KafkaNetClient):  # type: ignore[misc]
        def __init__(self, **configs: Any) -> None:
            super().__init__(**configs)
            made.append(self)

    try:
        return make(kafka_client=Tracked, **config)
    except BaseException:
        for client in made:
            client.close()
        raise


@dataclass(frozen=True)
class FetchPacing:
    """How long the broker may hold a consumer's fetch. While records come: until it holds
    ``batch_min_bytes`` or ``batch_wait_ms`` passed (batches, not single records). After a
    fetch that found nothing: until the first record arrives or ``idle_wait_ms`` passed, so
    a quiet consumer costs a fetch per idle wait and the first record after a pause is not
    held back at all."""

    batch_min_bytes: int
    batch_wait_ms: int
    idle_wait_ms: int

    def settings(self, *, idle: bool) -> tuple[int, int]:
        """``(fetch_min_bytes, fetch_max_wait_ms)`` for the next fetch."""
        return (1, self.idle_wait_ms) if idle else (self.batch_min_bytes, self.batch_wait_ms)


def pace_fetches(consumer: KafkaConsumer, min_bytes: int, wait_ms: int) -> bool:
    """Set what the consumer's next fetch requests ask of the broker; False (and nothing
    changed) when this version of kafka-python keeps them elsewhere."""
    config = _fetch_config(consumer)
    if config is None:
        return False
    config["fetch_min_bytes"], config["fetch_max_wait_ms"] = min_bytes, wait_ms
    return True


def fetch_pace(consumer: KafkaConsumer) -> tuple[int, int] | None:
    """``(fetch_min_bytes, fetch_max_wait_ms)`` of the consumer's next fetch, if known."""
    config = _fetch_config(consumer)
    return None if config is None else (int(config["fetch_min_bytes"]), int(config["fetch_max_wait_ms"]))


def _fetch_config(consumer: KafkaConsumer) -> dict[str, Any] | None:
    """kafka-python reads both fetch values from its fetcher's config for every request it
    builds, but offers no public setter."""
    config = getattr(getattr(consumer, "_fetcher", None), "config", None)
    return config if isinstance(config, dict) and "fetch_max_wait_ms" in config else None
