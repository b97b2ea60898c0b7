"""A schema of its own for one test (or module), dropped with everything in it afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql


def unique_schema_name() -> str:
    return f"t_{uuid.uuid4().hex[:12]}"


@contextmanager
def scratch_schema(database_url: str, name: str | None = None) -> Iterator[str]:
    schema = name or unique_schema_name()
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        yield schema
    finally:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
