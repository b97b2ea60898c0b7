"""The screen-pop card is the same whichever partition is read first.

Kafka orders each partition only, and one interaction's events can sit on two partitions
(an unknown caller's on the interaction's, the link and what follows on the customer's).
These tests feed the projection the same streams interleaved in many ways, each stream in
its own order, and expect identical tables every time.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import psycopg
import pytest

from adapters.projection_store import PgTx, ProjectionTables, connect
from adapters.services.stack import Endpoints
from projections.base import ProjectedEvent
from projections.screen_pop_card import ScreenPopCardProjection, card_for
from projections.screen_pop_tables import CONTACTS, TABLE_NAMES, UNLINKED

T0 = datetime(2024, 5, 6, 8, 0, tzinfo=UTC)
Stream = list[ProjectedEvent]
_sequence = itertools.count(1)


def event(type_name: str, aggregate: UUID, version: int, minute: int, /, **data: Any) -> ProjectedEvent:
    customer = data.get("customer_id", aggregate)
    data.setdefault("customer_id", customer)
    return ProjectedEvent(
        id=f"{aggregate}:{version}", type=f"switchboard.{type_name}.v1", aggregate_id=aggregate,
        version=version, sequence=next(_sequence), customer_id=customer or aggregate, actor="agent:t",
        time=T0 + timedelta(minutes=minute), data={k: None if v is None else str(v) if isinstance(v, UUID)
                                                   else v for k, v in data.items()})


class World:
    """Customers C (in organisation O), D (erased) and B; interactions across partitions."""

    def __init__(self) -> None:
        self.c, self.d, self.b, self.o = uuid4(), uuid4(), uuid4(), uuid4()
        self.unknown, self.unknown_of_d, self.moved = uuid4(), uuid4(), uuid4()
        self.linked_mid_call = uuid4()
        self.emails = [uuid4() for _ in range(6)]
        self.agent = uuid4()

    def streams(self) -> list[Stream]:
        c, d, b, o, u, u2, x = self.c, self.d, self.b, self.o, self.unknown, self.unknown_of_d, self.moved
        w = self.linked_mid_call
        customer_c = [
            event("customer.registered", c, 1, 0, kind="person", display_name="Cleo"),
            event("customer.organisation_joined", c, 2, 1, organisation_id=o),
            event("customer.consent_granted", c, 3, 1, channel="sms", purpose="marketing_sms"),
            event("case.opened", uuid4(), 1, 2, customer_id=c, kind="complaint", category="billing",
                  priority="high", first_response_minutes=60, resolution_minutes=480),
            *[event("interaction.logged", e, 1, 3 + i, customer_id=c, channel="email",
                    direction="inbound", agent_id=None) for i, e in enumerate(self.emails)],
            event("interaction.customer_linked", u, 4, 40, customer_id=c, previous_customer_id=None),
            event("interaction.wrap_up_recorded", u, 5, 41, customer_id=c, code="sorted"),
            event("interaction.customer_linked", x, 2, 42, customer_id=c, previous_customer_id=b),
            event("interaction.customer_linked", w, 3, 51, customer_id=c, previous_customer_id=None),
            event("interaction.call_ended", w, 4, 55, customer_id=c),
        ]
        linked_mid_call = [
            event("interaction.call_rang", w, 1, 50, customer_id=None, direction="inbound", agent_id=None),
            event("interaction.call_answered", w, 2, 50, customer_id=None, agent_id=self.agent),
        ]
        unknown_call = [
            event("interaction.call_rang", u, 1, 30, customer_id=None, direction="inbound", agent_id=None),
            event("interaction.call_answered", u, 2, 31, customer_id=None, agent_id=self.agent),
            event("interaction.call_ended", u, 3, 35, customer_id=None),
        ]
        organisation = [
            event("customer.registered", o, 1, 0, kind="organisation", display_name="Orbit Ltd"),
            event("customer.details_updated", o, 2, 20, display_name="Orbit plc"),
        ]
        erased_d = [
            event("customer.registered", d, 1, 0, kind="person", display_name="Dora"),
            event("interaction.customer_linked", u2, 3, 12, customer_id=d, previous_customer_id=None),
            event("customer.personal_data_erased", d, 2, 13, legal_basis="Art. 17"),
        ]
        unknown_of_d = [
            event("interaction.call_rang", u2, 1, 10, customer_id=None, direction="inbound", agent_id=None),
            event("interaction.call_missed", u2, 2, 11, customer_id=None),
        ]
        customer_b = [
            event("customer.registered", b, 1, 0, kind="person", display_name="Bea"),
            event("interaction.logged", x, 1, 39, customer_id=b, channel="chat", direction="inbound",
                  agent_id=None),
        ]
        return [customer_c, unknown_call, organisation, erased_d, unknown_of_d, customer_b, linked_mid_call]


def interleavings(streams: list[Stream], seed: int, count: int) -> Iterator[Stream]:
    """Each stream whole, forwards and backwards, then random merges keeping each stream's order."""
    yield [e for s in streams for e in s]
    yield [e for s in reversed(streams) for e in s]
    chooser = random.Random(seed)
    for _ in range(count):
        queues = [list(s) for s in streams]
        merged: Stream = []
        while any(queues):
            queue = chooser.choice([q for q in queues if q])
            merged.append(queue.pop(0))
        yield merged


@pytest.fixture
def conn(services: Endpoints, pg_schema: str) -> Iterator[psycopg.Connection[Any]]:
    with connect(services.database_url, pg_schema) as connection:
        yield connection


def project(conn: psycopg.Connection[Any], schema: str, events: Stream) -> dict[str, list[Any]]:
    projection = ScreenPopCardProjection()
    tables = ProjectionTables(conn, schema, projection)
    tables.create()
    tables.drop()
    tables.create()
    tx = PgTx(conn)
    with conn.transaction():
        for one in events:
            projection.apply(tx, one)
    with conn.transaction():
        return {t: tx.fetchall(f"SELECT * FROM {t} ORDER BY 1, 2, 3") for t in TABLE_NAMES}


def test_every_interleaving_gives_the_same_tables(conn: psycopg.Connection[Any], pg_schema: str) -> None:
    world = World()
    results = [project(conn, pg_schema, order) for order in interleavings(world.streams(), 7, 30)]
    assert all(result == results[0] for result in results[1:])

    tx = PgTx(conn)
    with conn.transaction():
        shown = card_for(tx, world.c)
        erased = card_for(tx, world.d)
    assert shown is not None
    assert (shown.display_name, shown.organisation_name) == ("Cleo", "Orbit plc")
    assert [c.interaction_id for c in shown.last_contacts] == [
        world.linked_mid_call, world.moved, world.unknown, *world.emails[::-1][:2]]
    assert shown.last_contacts[0].status == "ended"  # not "answered", which came later from elsewhere
    unknown = shown.last_contacts[2]
    assert (unknown.status, unknown.agent_id, unknown.outcome) == ("ended", world.agent, "sorted")
    assert shown.has_open_complaint
    assert shown.preferred_channel == "email"
    assert erased is not None
    assert (erased.status, erased.display_name, erased.last_contacts) == ("erased", None, ())
    rows = results[0]
    assert len(rows[CONTACTS]) == 5  # Cleo's five newest; Bea's chat moved to Cleo, Dora's is gone
    assert rows[UNLINKED] == []
