"""Whole projection tables for comparisons, and a build from scratch to compare them with."""

from __future__ import annotations

import time
from typing import Any

import psycopg
from kafka import KafkaConsumer, TopicPartition
from psycopg import sql

from adapters.projected_events import EventDecoder
from adapters.projection_runner import ProjectionRunner
from adapters.projection_store import applied_table
from contact_center.event_log_wiring import fetch_pacing
from contact_center.settings import Settings
from projections.base import Projection
from tests.schemas import scratch_schema

Rows = dict[str, list[tuple[Any, ...]]]


def dump(database_url: str, schema: str, projection: Projection) -> Rows:
    """Every table of the projection, every column, ordered by all of its columns."""
    rows: Rows = {}
    with psycopg.connect(database_url) as conn:
        for table in projection.table_names:
            columns = conn.execute("SELECT count(*) FROM information_schema.columns "
                                   "WHERE table_schema = %s AND table_name = %s", (schema, table)).fetchone()
            assert columns is not None
            assert columns[0] > 0, f"{schema}.{table} is missing"
            order = sql.SQL(", ").join(sql.Literal(n) for n in range(1, int(columns[0]) + 1))
            rows[table] = [tuple(row) for row in conn.execute(
                sql.SQL("SELECT * FROM {} ORDER BY {}").format(sql.Identifier(schema, table), order))]
    return rows


def applied_ids(database_url: str, schema: str, projection: Projection) -> int:
    """How many event ids the projection has applied (0 before its worker made its tables)."""
    table = sql.Identifier(schema, applied_table(projection.full_name))
    with psycopg.connect(database_url) as conn:
        found = conn.execute("SELECT to_regclass(%s)", (table.as_string(conn),)).fetchone()
        if found is None or found[0] is None:
            return 0
        row = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(table)).fetchone()
    return int(row[0]) if row else 0


def topic_ends(bootstrap_servers: str, topic: str) -> dict[int, int]:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap_servers, group_id=None)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        return {tp.partition: int(end) for tp, end in consumer.end_offsets(partitions).items()}
    finally:
        consumer.close()


def stored_offsets(database_url: str, schema: str, projection: Projection, topic: str) -> dict[int, int]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(sql.SQL("SELECT partition, next_offset FROM {} WHERE projection = %s "
                                    "AND topic = %s").format(sql.Identifier(schema, "projection_offsets")),
                            (projection.full_name, topic)).fetchall()
    return {int(p): int(o) for p, o in rows}


def built_from_scratch(database_url: str, bootstrap_servers: str, topic: str, projection: Projection,
                       decoder: EventDecoder, timeout: float = 120.0) -> Rows:
    """The projection's tables as a fresh worker builds them from offset 0, in a schema and a
    consumer group of its own, once it has applied every record on the topic."""
    ends = topic_ends(bootstrap_servers, topic)
    with scratch_schema(database_url) as schema:
        runner = ProjectionRunner(projection, database_url=database_url, schema=schema,
                                  bootstrap_servers=bootstrap_servers, topic=topic, decoder=decoder,
                                  group_prefix=schema, partitions=len(ends),
                                  pacing=fetch_pacing(Settings.model_construct()))  # the defaults
        try:
            deadline = time.monotonic() + timeout
            while any(runner.tables.offsets(topic).get(p, 0) < end for p, end in ends.items()):
                assert time.monotonic() < deadline, "the build from scratch did not finish"
                runner.poll_once(timeout_ms=200)
        finally:
            runner.close()
        return dump(database_url, schema, projection)
