"""Caller history: the upsert of an interaction's row, and one per row per batch.

A call's events mostly arrive in one batch (rang, answered, ended, wrap-up), each writing
the same row. :class:`InteractionUpserts` merges them, while the batch's handlers run, into
the one upsert that leaves the row as sending them one by one would:

- plain columns: the last value written;
- a guarded group (columns kept with the aggregate version that last wrote them): the values
  of the first write of the highest version, sent with that version, so the statement keeps
  the row's own values when they are as new already (ties go to the first, as one by one).

Pending rows are sent before any statement that could see them (every read, and every write
naming the interactions table, as erasure's do) and when the batch's handlers are done. Other
writes (notes, cases, consents) pass straight through: they touch no pending row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from uuid import UUID

from projections.base import Params, Tx
from projections.caller_history_schema import INTERACTIONS

Columns = Mapping[str, Any]
Guarded = Mapping[str, tuple[int, Columns]]  # group → (aggregate version, its columns)
Shape = tuple[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]


def send_upsert(tx: Tx, interaction_id: UUID, plain: Columns, guarded: Guarded) -> None:
    values: list[Any] = [interaction_id, *plain.values()]
    for version, columns in guarded.values():
        values += [*columns.values(), version]
    shape = (tuple(plain), tuple((group, tuple(columns)) for group, (_, columns) in guarded.items()))
    tx.write(_upsert(shape), values)


@lru_cache(maxsize=256)
def _upsert(shape: Shape) -> str:
    """The statement of one column shape (a few dozen in all, each built once)."""
    plain, guarded = shape
    names = list(plain)
    updates = [f"{name} = EXCLUDED.{name}" for name in plain]
    for group, columns in guarded:
        newer = f"t.{group}_version < EXCLUDED.{group}_version"
        for name in columns:
            names.append(name)
            updates.append(f"{name} = CASE WHEN {newer} THEN EXCLUDED.{name} ELSE t.{name} END")
        names.append(f"{group}_version")
        updates.append(f"{group}_version = GREATEST(t.{group}_version, EXCLUDED.{group}_version)")
    placeholders = ", ".join(["%s"] * (len(names) + 1))
    return (f"INSERT INTO {INTERACTIONS} AS t (interaction_id, {', '.join(names)}) "
            f"VALUES ({placeholders}) ON CONFLICT (interaction_id) DO UPDATE SET {', '.join(updates)}")


@dataclass
class _Row:
    plain: dict[str, Any] = field(default_factory=dict)
    guarded: dict[str, tuple[int, Columns]] = field(default_factory=dict)


class InteractionUpserts:
    """The :class:`~projections.base.Tx` one batch's handlers write through."""

    def __init__(self, tx: Tx) -> None:
        self.tx = tx
        self.pending: dict[UUID, _Row] = {}

    def upsert(self, interaction_id: UUID, version: int, plain: Columns,
               guarded: Mapping[str, Columns]) -> None:
        row = self.pending.get(interaction_id)
        if row is not None and any(group in row.guarded and set(row.guarded[group][1]) != set(columns)
                                   for group, columns in guarded.items()):
            self._send(interaction_id)  # a group written with other columns: no merging those
            row = None
        if row is None:
            row = self.pending[interaction_id] = _Row()
        row.plain.update(plain)
        for group, columns in guarded.items():
            held = row.guarded.get(group)
            if held is None or held[0] < version:
                row.guarded[group] = (version, columns)

    def flush(self) -> None:
        for interaction_id in list(self.pending):
            self._send(interaction_id)

    def _send(self, interaction_id: UUID) -> None:
        row = self.pending.pop(interaction_id)
        send_upsert(self.tx, interaction_id, row.plain, row.guarded)

    # -- Tx ------------------------------------------------------------------------------------

    def execute(self, query: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> int:
        self.flush()
        return self.tx.execute(query, params)

    def write(self, query: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> None:
        if INTERACTIONS in query:
            self.flush()
        self.tx.write(query, params)

    def fetchone(self, query: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> tuple[Any, ...] | None:
        self.flush()
        return self.tx.fetchone(query, params)

    def fetchall(self, query: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[tuple[Any, ...]]:
        self.flush()
        return self.tx.fetchall(query, params)

    def fetch_each(self, reads: Sequence[tuple[str, Params]]) -> list[list[tuple[Any, ...]]]:
        self.flush()
        return self.tx.fetch_each(reads)
