"""The real broker: records go in and come back out, in order, through a consumer group."""

from __future__ import annotations

from kafka import KafkaConsumer, KafkaProducer

from adapters.kafka_admin import ensure_topic
from adapters.services.stack import Endpoints


def test_thousand_records_round_trip_in_order(services: Endpoints, unique_name: str) -> None:
    servers = services.kafka_bootstrap_servers
    assert ensure_topic(servers, unique_name, partitions=1) is True
    assert ensure_topic(servers, unique_name, partitions=1) is False

    producer = KafkaProducer(bootstrap_servers=servers, acks="all", enable_idempotence=True)
    for n in range(1000):
        producer.send(unique_name, key=b"k", value=str(n).encode())
    producer.flush()
    producer.close()

    consumer = KafkaConsumer(
        unique_name,
        bootstrap_servers=servers,
        group_id=f"{unique_name}-group",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=15_000,
    )
    received: list[int] = []
    for record in consumer:
        received.append(int(record.value))
        if len(received) == 1000:
            break
    consumer.commit()
    consumer.close()
    assert received == list(range(1000))
