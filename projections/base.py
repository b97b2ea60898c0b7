"""What every projection is: a name and version, its tables, and one handler per event type.

Projections are pure functions of the event stream. They see events as
:class:`ProjectedEvent` (a CloudEvents record with personal fields already decrypted) and
write through :class:`Tx`, a transaction the runner opens around each batch together with
the stored Kafka offsets, so a handler never needs to be idempotent on its own: the runner
applies each event id once per projection.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Generic, Protocol, TypeVar
from uuid import UUID

Params = Sequence[Any] | Mapping[str, Any]


class ReadModelMissing(Exception):
    """A read found a read model's tables missing: no projection worker has created them in
    this schema yet (a fresh deployment, or ``switchboard projections run`` not started)."""

    def __init__(self, table: str) -> None:
        super().__init__(f"the read model table {table} does not exist yet: its projection "
                         "worker has not started (is `switchboard projections run` running?); "
                         "retry shortly")
        self.table = table


class Tx(Protocol):
    """A database transaction, with unqualified table names resolved in the projection's schema."""

    def execute(self, query: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> int:
        """Run a statement; returns the row count."""

    def write(self, query: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> None:
        """Run a statement whose row count the caller does not need. It may be sent without
        waiting for its result (pipelined); a later read or the commit waits for it, and its
        error, if any, surfaces there."""

    def fetchone(self, query: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> tuple[Any, ...] | None:
        ...

    def fetchall(self, query: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[tuple[Any, ...]]:
        ...

    def fetch_each(self, reads: Sequence[tuple[str, Params]]) -> list[list[tuple[Any, ...]]]:
        """Several independent reads sent together (one round trip); their rows, in order."""


T = TypeVar("T")


@dataclass(frozen=True)
class Read(Generic[T]):
    """One statement and how to read its rows, so reads of different modules can share a round
    trip (:meth:`Tx.fetch_each`)."""

    query: str
    params: Mapping[str, Any]
    parse: Callable[[list[tuple[Any, ...]]], T]

    def run(self, tx: Tx) -> T:
        return self.parse(tx.fetchall(self.query, self.params))


@dataclass(frozen=True)
class ProjectedEvent:
    id: str
    type: str
    aggregate_id: UUID
    version: int
    sequence: int
    customer_id: UUID
    actor: str
    time: datetime
    data: Mapping[str, Any]

    @property
    def kind(self) -> str:
        """The type without its version: ``switchboard.interaction.call_answered``."""
        return self.type.rsplit(".", 1)[0]

    def uuid(self, name: str) -> UUID | None:
        value = self.data.get(name)
        return None if value is None else UUID(str(value))


Handler = Callable[[Tx, ProjectedEvent], None]


class Projection:
    """Base class: subclasses set ``name``, ``version``, ``tables`` and ``handlers``."""

    name: ClassVar[str]
    version: ClassVar[int] = 1
    # Usually class attributes; a projection whose tables depend on its configuration (the
    # gamification rules version) sets them per instance.
    tables: Sequence[str] = ()  # CREATE TABLE IF NOT EXISTS … statements
    table_names: Sequence[str] = ()
    _handler_table: Mapping[str, Handler] | None = None  # handlers(), built once per instance

    @property
    def full_name(self) -> str:
        return f"{self.name}_v{self.version}"

    def handlers(self) -> Mapping[str, Handler]:
        """Handlers keyed by versionless event kind (``switchboard.customer.registered``)."""
        raise NotImplementedError

    def handles(self, kind: str) -> bool:
        """Whether events of this kind reach a handler (others need not even be decrypted).
        A projection that overrides :meth:`apply` sees every event."""
        if type(self).apply is not Projection.apply:
            return True
        return kind in self._handler_lookup()

    @contextmanager
    def applying(self, tx: Tx) -> Iterator[Tx]:
        """The transaction one batch's handlers write through, then the batch's bookkeeping.
        A projection may hold and merge the batch's statements until the block ends (and
        must send them then); by default they go out as they come."""
        yield tx

    def apply(self, tx: Tx, event: ProjectedEvent) -> None:
        handler = self._handler_lookup().get(event.kind)
        if handler is not None:
            handler(tx, event)

    def _handler_lookup(self) -> Mapping[str, Handler]:
        if self._handler_table is None:
            self._handler_table = dict(self.handlers())
        return self._handler_table
