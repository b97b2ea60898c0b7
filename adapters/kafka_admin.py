"""Broker-level Kafka calls: reachability and topic creation."""

from __future__ import annotations

import logging
import time

from kafka import KafkaAdminClient, KafkaConsumer
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from adapters.kafka_clients import connected

logging.getLogger("kafka").setLevel(logging.CRITICAL)


def _admin(bootstrap_servers: str, timeout_ms: int) -> KafkaAdminClient:
    return connected(
        KafkaAdminClient,
        bootstrap_servers=bootstrap_servers,
        request_timeout_ms=timeout_ms,
        bootstrap_timeout_ms=timeout_ms,
        connections_max_idle_ms=max(timeout_ms * 3, 10_000),
        client_id="switchboard-admin",
    )


def kafka_problem(bootstrap_servers: str, timeout_ms: int = 2000) -> str | None:
    """None when the broker answers a metadata request, else why it did not."""
    try:
        admin = _admin(bootstrap_servers, timeout_ms)
    except (KafkaError, OSError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"
    try:
        admin.describe_cluster()
    except (KafkaError, OSError) as exc:
        return f"{type(exc).__name__}: {exc}"
    finally:
        admin.close()
    return None


def ensure_topic(
    bootstrap_servers: str,
    name: str,
    *,
    partitions: int,
    config: dict[str, str] | None = None,
    timeout_ms: int = 10_000,
) -> bool:
    """Create the topic if it is missing. Returns True when this call created it."""
    admin = _admin(bootstrap_servers, timeout_ms)
    try:
        admin.create_topics(
            [NewTopic(name, num_partitions=partitions, replication_factor=1, topic_configs=config or {})]
        )
    except TopicAlreadyExistsError:
        return False
    finally:
        admin.close()
    return True


def known_partitions(consumer: KafkaConsumer, topic: str, timeout: float = 10.0) -> set[int]:
    """The topic's partitions as ``consumer``'s metadata knows them, asked again until they
    show or ``timeout`` passes: the first answer about a topic created a moment ago may not
    list them yet. A group member that joined without them would be assigned nothing until
    its next metadata refresh."""
    deadline = time.monotonic() + timeout
    while not (found := consumer.partitions_for_topic(topic)) and time.monotonic() < deadline:
        consumer.topics()  # refreshes the metadata of every topic
        time.sleep(0.1)
    return set(found or ())
