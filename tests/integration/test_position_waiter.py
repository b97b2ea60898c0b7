"""Read-your-writes waits on PostgreSQL NOTIFY: a commit heard at any moment wakes the wait."""

from __future__ import annotations

import time
from typing import Any

import psycopg
from psycopg import sql

from adapters.position_waiter import PositionWaiter
from adapters.projection_store import channel
from adapters.services.stack import Endpoints


class CommitDuringTheCheck(PositionWaiter):
    """The projection commits (and NOTIFYs) while the first check's query is on the wire: the
    notification arrives together with that query's answer."""

    def __init__(self, database_url: str, schema: str) -> None:
        super().__init__(database_url, schema)
        self.checks = 0
        self.committed = False

    @staticmethod
    def _stored(conn: psycopg.Connection[Any], position: int) -> bool:
        return True  # a write answered this position: the wait is for the projection

    def applied(self, conn: psycopg.Connection[Any], projection: str, position: int) -> bool:
        self.checks += 1
        if self.committed:
            return True
        with psycopg.connect(self.database_url, autocommit=True) as other:
            other.execute(sql.SQL("NOTIFY {}, {}").format(
                sql.Identifier(channel(self.schema)), sql.Literal(projection)))
        self.committed = True
        conn.execute("SELECT pg_sleep(0.2)")  # its answer brings the NOTIFY along
        return False


def test_a_notify_that_came_with_the_check_wakes_the_wait(services: Endpoints, pg_schema: str) -> None:
    waiter = CommitDuringTheCheck(services.database_url, pg_schema)
    began = time.monotonic()
    assert waiter.wait("lookup", 42, timeout=30.0)
    assert waiter.checks == 2
    # Woken by the NOTIFY, not by the deadline (which would take the whole 30 s).
    assert time.monotonic() - began < 15.0


def test_no_commit_means_the_wait_ends_at_its_deadline(services: Endpoints, pg_schema: str) -> None:
    class NeverApplied(PositionWaiter):
        @staticmethod
        def _stored(conn: psycopg.Connection[Any], position: int) -> bool:
            return True

        def applied(self, conn: psycopg.Connection[Any], projection: str, position: int) -> bool:
            return False

    assert not NeverApplied(services.database_url, pg_schema).wait("lookup", 42, timeout=0.3)


def test_a_position_no_event_is_stored_at_ends_the_wait_at_once(services: Endpoints, pg_schema: str) -> None:
    class NeverApplied(PositionWaiter):
        def applied(self, conn: psycopg.Connection[Any], projection: str, position: int) -> bool:
            return False

    with psycopg.connect(services.database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE TABLE {}.switchboard_events (notification_id bigint)").format(
            sql.Identifier(pg_schema)))
    began = time.monotonic()
    assert not NeverApplied(services.database_url, pg_schema).wait("lookup", 42, timeout=30.0)
    assert time.monotonic() - began < 15.0  # not the whole 30 s
