"""Kafka clients that cannot reach a broker leave no IO thread behind."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from kafka import KafkaConsumer, KafkaProducer
from kafka.errors import KafkaError

from adapters.kafka_admin import kafka_problem
from adapters.kafka_clients import connected


@pytest.fixture
def nobody_listening() -> Iterator[str]:
    """An address on which connections are refused: a port bound but never listened on."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield f"127.0.0.1:{held.getsockname()[1]}"


def kafka_threads(client_id: str = "") -> set[threading.Thread]:
    return {t for t in threading.enumerate()
            if t.name.startswith(f"kafka-io-{client_id}") and t.is_alive()}


def test_a_readiness_probe_of_a_dead_broker_leaves_no_thread(nobody_listening: str) -> None:
    before = kafka_threads("switchboard-admin")
    for _ in range(3):
        problem = kafka_problem(nobody_listening, timeout_ms=300)
        assert problem is not None
        assert "Unable to bootstrap" in problem
    assert kafka_threads("switchboard-admin") <= before


@pytest.mark.parametrize("client", [KafkaConsumer, KafkaProducer])
def test_a_client_that_cannot_bootstrap_is_closed_again(nobody_listening: str, client: type) -> None:
    with pytest.raises(KafkaError):
        connected(client, bootstrap_servers=nobody_listening, bootstrap_timeout_ms=300,
                  client_id="switchboard-unreachable")
    assert kafka_threads("switchboard-unreachable") == set()
