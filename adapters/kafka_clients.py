"""Kafka clients that leave nothing running behind when they cannot reach the broker.

kafka-python starts a client's IO thread before it bootstraps. When the bootstrap fails (the
broker is down), the constructor raises and that thread lives on with its sockets, out of
reach of the caller. A readiness probe, or a worker retrying through a broker outage, would
leak one per attempt. :func:`connected` builds a client and, when building fails, closes
the network client it made.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

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
