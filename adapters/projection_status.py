"""What ``switchboard projections status`` shows, asked from outside the workers' groups.

For each projection: records on the topic it has not applied, the age of the oldest of them
(its Kafka timestamp, read by fetching the record at the stored offset of each lagging
partition), and records applied per second over a short sample of the stored offsets.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from kafka import KafkaConsumer, TopicPartition

from adapters.kafka_clients import connected
from adapters.projection_store import ProjectionTables, connect
from projections.base import Projection


@dataclass(frozen=True)
class ProjectionStatus:
    name: str
    lag_records: int
    lag_seconds: float  # 0 when caught up
    applied_per_second: float


def projection_status(bootstrap_servers: str, topic: str, database_url: str, schema: str,
                      projections: Sequence[Projection],
                      sample_seconds: float = 1.0) -> list[ProjectionStatus]:
    consumer = connected(KafkaConsumer, bootstrap_servers=bootstrap_servers, group_id=None,
                         enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        with connect(database_url, schema) as conn:
            tables = [ProjectionTables(conn, schema, projection) for projection in projections]
            for table in tables:
                table.create_bookkeeping()
            before, began = [t.offsets(topic) for t in tables], time.monotonic()
            time.sleep(sample_seconds)  # the sampling interval of the applied/s figure
            after, elapsed = [t.offsets(topic) for t in tables], time.monotonic() - began
        ends = {tp.partition: int(end) for tp, end in consumer.end_offsets(partitions).items()}
        report = []
        for projection, first, stored in zip(projections, before, after, strict=True):
            lagging = {p: stored.get(p, 0) for p, end in ends.items() if end > stored.get(p, 0)}
            oldest = [t for p, offset in lagging.items()
                      if (t := _timestamp_at(consumer, TopicPartition(topic, p), offset)) is not None]
            report.append(ProjectionStatus(
                projection.full_name,
                sum(ends[p] - offset for p, offset in lagging.items()),
                max(0.0, time.time() - min(oldest) / 1000) if oldest else 0.0,
                (sum(stored.values()) - sum(first.values())) / elapsed))
        return report
    finally:
        consumer.close()


def _timestamp_at(consumer: KafkaConsumer, tp: TopicPartition, offset: int) -> int | None:
    """The Kafka timestamp (ms) of the record at ``offset``, or None if it cannot be read."""
    consumer.assign([tp])
    consumer.seek(tp, offset)
    for records in consumer.poll(timeout_ms=2000, max_records=1).values():
        for record in records:
            return int(record.timestamp)
    return None
