"""Counting stored events straight from PostgreSQL, to prove nothing was stored half-way."""

from __future__ import annotations

import psycopg
from psycopg import sql

from contact_center.bootstrap import Container


def stored_event_count(container: Container) -> int:
    query = sql.SQL("SELECT count(*) FROM {}.switchboard_events").format(
        sql.Identifier(container.settings.db_schema)
    )
    with psycopg.connect(container.endpoints.database_url) as conn:
        row = conn.execute(query).fetchone()
    assert row is not None
    return int(row[0])
