"""Scratch tables: one transaction on a connection of its own, whose tables are temporary and
thrown away with it.

``search_path`` is set to ``pg_temp`` for the transaction, so the unqualified ``CREATE TABLE``
statements a projection declares create temporary tables, visible to this session only and
gone when the transaction rolls back, which it always does. Nothing is ever written to the
schema of the live read models. Writes are pipelined as in a projection's batch: a replay
costs a round trip per read, not per statement.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from adapters.projection_store import PgTx
from projections.base import Tx


class ScratchTables:
    def __init__(self, database_url: str) -> None:
        self.database_url = database_url

    @contextmanager
    def session(self) -> Iterator[Tx]:
        """A transaction over temporary tables; everything in it is rolled back at the end."""
        with psycopg.connect(self.database_url, connect_timeout=5,
                             application_name=f"switchboard-scratch/{os.getpid()}") as conn, \
                conn.transaction(force_rollback=True):
            conn.execute("SET LOCAL search_path TO pg_temp")
            tx = PgTx(conn)
            with tx.pipelined():  # handlers' writes go out without waiting, as in a projection batch
                yield tx
