"""The caller history merges a batch's upserts of one interaction row into one statement; the
tables come out exactly as from the events applied one by one, whatever the order."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.projection_store import PgTx, ProjectionTables, connect
from adapters.services.stack import Endpoints
from projections.base import ProjectedEvent
from projections.caller_history import CallerHistoryProjection
from projections.caller_history_upserts import InteractionUpserts
from tests.projection_tables import Rows, dump
from tests.schemas import scratch_schema

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
CUSTOMERS = [uuid.UUID(int=n) for n in range(1, 4)]
AGENTS = [str(uuid.UUID(int=100 + n)) for n in range(3)]


class History:
    """Events of a few customers and their interactions, numbered per aggregate."""

    def __init__(self) -> None:
        self.events: list[ProjectedEvent] = []
        self.versions: dict[uuid.UUID, int] = {}

    def add(self, aggregate: uuid.UUID, event_type: str, **data: Any) -> None:
        version = self.versions[aggregate] = self.versions.get(aggregate, 0) + 1
        sequence = len(self.events) + 1
        self.events.append(ProjectedEvent(
            id=f"{aggregate}:{version}", type=f"switchboard.{event_type}.v1", aggregate_id=aggregate,
            version=version, sequence=sequence, customer_id=CUSTOMERS[0], actor=f"actor-{sequence}",
            time=T0 + timedelta(seconds=sequence), data=data))

    def call(self, customer: uuid.UUID | None, rng: random.Random) -> None:
        call = uuid.uuid4()
        linked = None if customer is None else str(customer)
        self.add(call, "interaction.call_rang", direction="inbound", queue="billing",
                 from_address="+493055571600", to_address="+4922147100", subject=None,
                 customer_id=linked, agent_id=None)
        self.add(call, "interaction.call_answered", agent_id=rng.choice(AGENTS), wait_seconds=4.0)
        if rng.random() < 0.5:
            self.add(call, "interaction.call_held")
            self.add(call, "interaction.call_resumed")
        if rng.random() < 0.3:
            self.add(call, "interaction.call_transferred", to_agent_id=rng.choice(AGENTS))
        self.add(call, "interaction.call_ended", wait_seconds=4.5, talk_seconds=60.0, hold_seconds=1.5)
        self.add(call, "interaction.note_added", note="asked about March", customer_id=linked)
        self.add(call, "interaction.wrap_up_recorded", code="resolved", notes="first", customer_id=linked)
        self.add(call, "interaction.wrap_up_recorded", code="refund", notes="corrected", customer_id=linked)
        for target in rng.sample(CUSTOMERS, rng.randint(0, 2)):
            self.add(call, "interaction.customer_linked", customer_id=str(target))

    def email(self, customer: uuid.UUID) -> None:
        message = uuid.uuid4()
        self.add(message, "interaction.logged", channel="email", direction="inbound", queue=None,
                 from_address="ada@example.org", to_address=None, subject="invoice",
                 customer_id=str(customer), agent_id=None)
        self.add(message, "interaction.closed")


def a_history(seed: int) -> list[ProjectedEvent]:
    rng = random.Random(seed)
    history = History()
    for customer in CUSTOMERS:
        history.add(customer, "customer.registered", kind="person")
    for _ in range(12):
        history.call(rng.choice([*CUSTOMERS, None]), rng)
        history.email(rng.choice(CUSTOMERS))
    history.add(CUSTOMERS[1], "customer.personal_data_erased")
    for _ in range(4):
        history.call(rng.choice(CUSTOMERS), rng)
    events = history.events
    rng.shuffle(events)  # partitions interleave, and an unknown caller's events span two
    return events


@pytest.fixture
def two_schemas(services: Endpoints) -> Iterator[tuple[str, str]]:
    with scratch_schema(services.database_url) as one, scratch_schema(services.database_url) as other:
        yield one, other


def one_by_one(database_url: str, schema: str, events: list[ProjectedEvent]) -> Rows:
    projection = CallerHistoryProjection()
    with connect(database_url, schema) as conn:
        ProjectionTables(conn, schema, projection).create()
        for event in events:
            with conn.transaction():
                projection.apply(PgTx(conn), event)
    return dump(database_url, schema, projection)


def in_batches(database_url: str, schema: str, events: list[ProjectedEvent], size: int) -> Rows:
    projection = CallerHistoryProjection()
    with connect(database_url, schema) as conn:
        ProjectionTables(conn, schema, projection).create()
        tx = PgTx(conn)
        for start in range(0, len(events), size):
            with conn.transaction(), tx.pipelined(), projection.applying(tx) as merging:
                assert isinstance(merging, InteractionUpserts)
                for event in events[start:start + size]:
                    projection.apply(merging, event)
    return dump(database_url, schema, projection)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_merged_upserts_leave_the_tables_as_one_by_one(
        services: Endpoints, two_schemas: tuple[str, str], seed: int) -> None:
    events = a_history(seed)
    expected = one_by_one(services.database_url, two_schemas[0], events)
    assert len(expected["caller_history_interactions_v1"]) == 28  # 16 calls and 12 e-mails
    size = len(events) if seed == 1 else [7, 40][seed - 2]  # one batch, then split ones
    assert in_batches(services.database_url, two_schemas[1], events, size) == expected


def test_a_batch_sends_one_statement_per_interaction_row() -> None:
    class Counting:
        def __init__(self) -> None:
            self.statements: list[str] = []

        def write(self, query: str, params: object = ()) -> None:
            self.statements.append(query)

    events = [e for e in sorted(a_history(4), key=lambda e: e.sequence)
              if e.kind.startswith("switchboard.interaction.") and not e.kind.endswith("note_added")]
    counting = Counting()
    projection = CallerHistoryProjection()
    with projection.applying(counting) as merging:  # type: ignore[arg-type]
        for event in events:
            projection.apply(merging, event)
    assert len(counting.statements) == len({e.aggregate_id for e in events}) < len(events)
