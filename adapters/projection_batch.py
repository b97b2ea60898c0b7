"""Applying a batch of events to one projection inside the caller's transaction.

Shared by the live worker (records from its consumer group), a rebuild from Kafka (records
read from offset 0 into tables beside the live ones) and a rebuild from the PostgreSQL
notification log. Every event id is claimed once per projection in one statement per batch,
and only newly claimed events reach the handlers, so a re-delivered record changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg

from adapters.projected_events import EventDecoder, UnhandledEvent
from adapters.projection_store import PgTx, ProjectionTables
from projections.base import ProjectedEvent, Projection


@dataclass(frozen=True)
class Applied:
    applied: int  # events the handlers saw
    redelivered: int  # events already applied before (claimed earlier), skipped


class BatchApplier:
    def __init__(self, conn: psycopg.Connection[Any], tables: ProjectionTables, projection: Projection,
                 decoder: EventDecoder) -> None:
        self.tx = PgTx(conn)
        self.tables = tables
        self.projection = projection
        self.decoder = decoder

    def apply_records(self, values: Sequence[bytes], *,
                      check: Callable[[], Callable[[], None]] | None = None,
                      bookkeeping: Callable[[], None] | None = None) -> Applied:
        """Decode CloudEvents records (fetching their data keys in one query) and apply them
        (see :meth:`apply_events`); records of a kind the projection has no handler for are
        claimed, not decoded."""
        return self.apply_events(self.decode(values), check=check, bookkeeping=bookkeeping)

    def decode(self, values: Sequence[bytes]) -> list[ProjectedEvent | UnhandledEvent]:
        """The records as the handlers see them; needs no transaction (a rebuild decodes the
        next batch in a thread of its own while this one is applied)."""
        return self.decoder.decode_handled(values, self.projection.handles)

    def apply_events(self, events: Sequence[ProjectedEvent | UnhandledEvent], *,
                     check: Callable[[], Callable[[], None]] | None = None,
                     bookkeeping: Callable[[], None] | None = None) -> Applied:
        """Claim every event's id (handled or not: read-your-writes waits on any of them) and
        run the handlers of the newly claimed ones, all in one pipeline: ``check`` sends a
        read whose answer comes back with the claim's (one round trip for both) and returns
        what verifies it before any handler runs; the handlers' statements and the batch's
        ``bookkeeping`` (stored offsets, NOTIFY) go out without waiting for one another."""
        with self.tx.pipelined():
            verify = check() if check is not None else None
            fresh = self.tables.claim_many([(event.id, event.sequence) for event in events])
            if verify is not None:
                verify()
            applied = 0
            with self.projection.applying(self.tx) as tx:
                for event in events:
                    if event.id in fresh:
                        fresh.discard(event.id)  # a second copy later in this batch is a re-delivery
                        if isinstance(event, ProjectedEvent):
                            self.projection.apply(tx, event)
                        applied += 1
            if bookkeeping is not None:
                bookkeeping()
        return Applied(applied, len(events) - applied)
