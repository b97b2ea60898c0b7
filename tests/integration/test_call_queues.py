"""Calls waiting per queue: the ring and the outcome may arrive in either order (an unknown
caller's events sit on two partitions), and every order ends with the same rows."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import psycopg
import pytest

from adapters.projection_store import PgTx, ProjectionTables, connect
from adapters.services.stack import Endpoints
from projections.base import ProjectedEvent
from projections.call_queues import TABLE, CallQueuesProjection, QueueWaiting, waiting

T0 = datetime(2024, 5, 6, 8, 0, tzinfo=UTC)


def event(kind: str, call: UUID, version: int, second: int, **data: Any) -> ProjectedEvent:
    return ProjectedEvent(id=f"{call}:{version}", type=f"switchboard.interaction.{kind}.v1",
                          aggregate_id=call, version=version, sequence=version, customer_id=call,
                          actor="cti", time=T0 + timedelta(seconds=second), data=data)


def rang(call: UUID, second: int, queue: str | None = "billing",
         direction: str = "inbound") -> ProjectedEvent:
    return event("call_rang", call, 1, second, queue=queue, direction=direction)


@pytest.fixture
def conn(services: Endpoints, pg_schema: str) -> Iterator[psycopg.Connection[Any]]:
    with connect(services.database_url, pg_schema) as connection:
        ProjectionTables(connection, pg_schema, CallQueuesProjection()).create()
        yield connection


def project(conn: psycopg.Connection[Any], events: list[ProjectedEvent]) -> tuple[list[QueueWaiting], int]:
    tx = PgTx(conn)
    with conn.transaction():
        tx.execute(f"DELETE FROM {TABLE}")
        for one in events:
            CallQueuesProjection().apply(tx, one)
        row = tx.fetchone(f"SELECT count(*) FROM {TABLE}")
        assert row is not None
        return waiting(tx), int(row[0])


def test_calls_wait_from_ring_until_answer_or_end(conn: psycopg.Connection[Any]) -> None:
    first, second, third, out, direct = uuid4(), uuid4(), uuid4(), uuid4(), uuid4()
    queued, rows = project(conn, [
        rang(first, 0), rang(second, 5), rang(third, 7, queue="sales"),
        rang(out, 8, direction="outbound"), rang(direct, 9, queue=None)])
    assert queued == [QueueWaiting("billing", 2, T0), QueueWaiting("sales", 1, T0 + timedelta(seconds=7))]
    assert rows == 5

    queued, rows = project(conn, [
        rang(first, 0), rang(second, 5), event("call_answered", first, 2, 6, agent_id=str(uuid4())),
        rang(third, 7, queue="sales"), event("call_abandoned", third, 2, 20, wait_seconds=13.0)])
    assert queued == [QueueWaiting("billing", 1, T0 + timedelta(seconds=5))]
    assert rows == 2  # the answered call stays until it ends; the abandoned one is gone


def test_every_order_of_a_calls_events_ends_the_same(conn: psycopg.Connection[Any]) -> None:
    call = uuid4()
    lifecycle = [rang(call, 0), event("call_answered", call, 2, 4, agent_id=str(uuid4())),
                 event("call_ended", call, 3, 60, wait_seconds=4.0, talk_seconds=56.0, hold_seconds=0.0)]
    for order in itertools.permutations(lifecycle):
        assert project(conn, list(order)) == ([], 0), order
    for order in itertools.permutations(lifecycle[:2]):
        assert project(conn, list(order)) == ([], 1), order  # answered: talking, not waiting
    assert project(conn, [lifecycle[2]]) == ([], 1)  # the end without its ring yet: remembered
    unanswered = [rang(call, 0), event("call_missed", call, 2, 30, wait_seconds=30.0)]
    for order in itertools.permutations(unanswered):
        assert project(conn, list(order)) == ([], 0), order
