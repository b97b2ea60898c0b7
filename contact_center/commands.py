"""Running one command: load, call the domain, save all its events or none.

Every write goes through :class:`CommandRunner`, which adds what each command needs
beyond the domain call: optimistic concurrency (``expected_version``), idempotent
retries (``idempotency_key``), and the write's global position for read-your-writes.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID, uuid4, uuid5

from eventsourcing.application import AggregateNotFoundError, project_aggregate
from eventsourcing.domain import Aggregate, DomainEventProtocol
from eventsourcing.persistence import IntegrityError

from adapters.event_store import IdempotencyClaim, IdempotentResult, SwitchboardRecorder
from contact_center.application import SwitchboardApplication
from contact_center.errors import IdempotencyKeyReused, NotFound, VersionConflict

A = TypeVar("A", bound=Aggregate)


@dataclass(frozen=True)
class CommandContext:
    """Who is asking, and the HTTP-level guarantees they asked for."""

    actor: str
    idempotency_key: str | None = None
    expected_version: int | None = None
    # Look the key up before running the command. A command whose repeat changes nothing (its
    # change is guarded by the aggregate's state) may skip that read: the key is still stored
    # with the events, so a concurrent duplicate fails there and gets the first one's result.
    replay_first: bool = True


@dataclass(frozen=True)
class WriteResult:
    id: UUID
    version: int
    position: int | None
    replayed: bool = False


@dataclass(frozen=True)
class BulkWriteResult:
    """The outcome of a command that created many aggregates in one transaction."""

    ids: list[UUID]
    position: int | None
    replayed: bool = False


BATCH_NAMESPACE = UUID("3b0c2f7e-5d4a-4e8b-9a61-7c2d1e0f9b34")


def batch_ids(idempotency_key: str | None, count: int) -> list[UUID]:
    """Ids for the aggregates a batch creates: fresh, or with an Idempotency-Key
    ``uuid5(BATCH_NAMESPACE, "<key>:<index>")``, the same on every retry. The idempotency
    record keeps only the first id; this is how a replay lists them all."""
    if idempotency_key is None:
        return [uuid4() for _ in range(count)]
    return [uuid5(BATCH_NAMESPACE, f"{idempotency_key}:{index}") for index in range(count)]


def fingerprint(command: str, payload: Any) -> str:
    """A stable digest of a command and its arguments, to spot a reused Idempotency-Key."""
    canonical = json.dumps([command, payload], sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class CommandRunner:
    def __init__(self, app: SwitchboardApplication) -> None:
        self.app = app
        recorder = app.recorder
        assert isinstance(recorder, SwitchboardRecorder)
        self.recorder = recorder

    def load(self, kind: type[A], aggregate_id: UUID, expected_version: int | None = None) -> A:
        try:
            aggregate: Aggregate | None = (self.app.repository.get(aggregate_id) if self._snapshotted(kind)
                                           else self._replayed(aggregate_id))
        except AggregateNotFoundError as exc:
            raise NotFound(kind.__name__.lower(), aggregate_id) from exc
        if not isinstance(aggregate, kind):
            raise NotFound(kind.__name__.lower(), aggregate_id)
        if expected_version is not None and aggregate.version != expected_version:
            raise VersionConflict(
                f"{kind.__name__.lower()} {aggregate_id} is at version {aggregate.version}, "
                f"not {expected_version}", aggregate.version)
        return aggregate

    def _snapshotted(self, kind: type[Aggregate]) -> bool:
        return any(issubclass(kind, c) or issubclass(c, kind) for c in self.app.snapshotting_intervals)

    def _replayed(self, aggregate_id: UUID) -> Aggregate | None:
        """An aggregate of a kind never snapshotted, from its events alone: the repository
        would first look for a snapshot, a round trip that finds nothing."""
        events = self.app.repository.event_store.get(aggregate_id)
        aggregate: Aggregate | None = project_aggregate(None, events)
        return aggregate

    def load_many(self, kind: type[A], aggregate_ids: Iterable[UUID]) -> dict[UUID, A]:
        """Those of ``aggregate_ids`` that exist and are a ``kind``, read in one round trip;
        ``load`` tells why one is missing."""
        histories: dict[UUID, list[DomainEventProtocol[UUID]]] = defaultdict(list)
        for stored in self.recorder.histories(sorted(set(aggregate_ids))):
            histories[UUID(str(stored.originator_id))].append(self.app.mapper.to_domain_event(stored))
        found: dict[UUID, A] = {}
        for aggregate_id, events in histories.items():
            aggregate = project_aggregate(None, events)
            if isinstance(aggregate, kind):
                found[aggregate_id] = aggregate
        return found

    def run(
        self,
        ctx: CommandContext,
        command: str,
        payload: Any,
        work: Callable[[], Sequence[Aggregate]],
        **save_kwargs: Any,
    ) -> WriteResult:
        """Run ``work`` (which loads/creates aggregates and calls the domain) and save
        every aggregate it returns in one transaction. The first one is the result."""
        digest = fingerprint(command, payload)
        if ctx.idempotency_key is not None and ctx.replay_first:
            earlier = self._earlier(ctx.idempotency_key, digest)
            if earlier is not None:
                return earlier
        aggregates = work()
        primary = aggregates[0]
        claim = None
        if ctx.idempotency_key is not None:
            claim = IdempotencyClaim(ctx.idempotency_key, digest, str(primary.id), primary.version)
        if not any(a.pending_events for a in aggregates):
            return WriteResult(primary.id, primary.version, None)  # nothing changed
        try:
            recordings = self.app.save(*aggregates, idempotency=claim, **save_kwargs)
        except IntegrityError as exc:
            if ctx.idempotency_key is not None:
                earlier = self._earlier(ctx.idempotency_key, digest)
                if earlier is not None:
                    return earlier
            raise VersionConflict(
                f"{type(primary).__name__.lower()} {primary.id} was changed by another "
                "writer; reload and retry") from exc
        position = max(r.notification.id for r in recordings) if recordings else None
        return WriteResult(primary.id, primary.version, position)

    def _earlier(self, key: str, digest: str) -> WriteResult | None:
        found: IdempotentResult | None = self.recorder.find_idempotent(key)
        if found is None:
            return None
        if found.fingerprint != digest:
            raise IdempotencyKeyReused(
                "this Idempotency-Key was already used for a different request")
        return WriteResult(UUID(found.aggregate_id), found.version, found.position, replayed=True)
