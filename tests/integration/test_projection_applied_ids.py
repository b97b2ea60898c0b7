"""Each projection's applied event ids live in a table of its own; schemas from before, with
one table for all projections, are moved over when a worker creates its tables."""

from __future__ import annotations

import psycopg
from psycopg import sql

from adapters.projection_store import ProjectionTables, applied_table, connect
from adapters.services.stack import Endpoints
from projections.caller_history import CallerHistoryProjection
from projections.cases_sla import CasesSlaProjection


def test_legacy_applied_ids_move_to_each_projection_table(services: Endpoints, pg_schema: str) -> None:
    with psycopg.connect(services.database_url, autocommit=True) as conn:
        conn.execute(sql.SQL(
            "CREATE TABLE {} (projection text NOT NULL, event_id text NOT NULL, sequence bigint "
            "NOT NULL, PRIMARY KEY (projection, event_id))").format(
            sql.Identifier(pg_schema, "projection_applied")))
        conn.execute(sql.SQL("INSERT INTO {} VALUES ('caller_history_v1', 'a:1', 1), "
                             "('caller_history_v1', 'a:2', 2), ('cases_sla_v1', 'b:1', 3)").format(
            sql.Identifier(pg_schema, "projection_applied")))

    with connect(services.database_url, pg_schema) as conn:
        ProjectionTables(conn, pg_schema, CallerHistoryProjection()).create()
        assert ids(conn, "caller_history_v1") == [("a:1", 1), ("a:2", 2)]
        assert legacy(conn) == [("cases_sla_v1", "b:1", 3)]  # the other projection's, still there

        ProjectionTables(conn, pg_schema, CasesSlaProjection()).create()
        assert ids(conn, "cases_sla_v1") == [("b:1", 3)]
        assert legacy(conn) is None  # emptied, so dropped

        ProjectionTables(conn, pg_schema, CallerHistoryProjection()).create()  # again: nothing to do
        assert ids(conn, "caller_history_v1") == [("a:1", 1), ("a:2", 2)]


def ids(conn: psycopg.Connection[tuple[object, ...]], projection: str) -> list[tuple[object, ...]]:
    return conn.execute(sql.SQL("SELECT event_id, sequence FROM {} ORDER BY 1").format(
        sql.Identifier(applied_table(projection)))).fetchall()


def legacy(conn: psycopg.Connection[tuple[object, ...]]) -> list[tuple[object, ...]] | None:
    row = conn.execute("SELECT to_regclass('projection_applied')").fetchone()
    if row is None or row[0] is None:
        return None
    return conn.execute("SELECT * FROM projection_applied ORDER BY 1, 2").fetchall()
