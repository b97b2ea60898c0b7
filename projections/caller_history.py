"""Caller history: one customer's timeline across every channel, newest first, paged.

Interactions (every channel, with agent, outcome, durations, wrap-up and notes), cases
(with their changes of status and assignment) and consent decisions, each with actor and
time. An unknown caller's interaction is kept under its own id and joins a customer's
timeline when it is linked (and moves when relinked). A merged duplicate's history shows on
its survivor's timeline until it is unmerged. Erasure blanks the personal copies at once,
to what a replay of the shredded events reads (see :mod:`projections.caller_history_schema`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any
from uuid import UUID

from projections.base import Handler, Projection, Tx
from projections.caller_history_entries import (
    CaseChange,
    CaseDetails,
    ConsentDetails,
    Note,
    TimelineEntry,
    TimelinePage,
    TimelineQuery,
    consent_channels,
    encode_cursor,
    interaction_outcome,
    timeline_channel,
)
from projections.caller_history_interactions import HANDLERS as INTERACTION_HANDLERS
from projections.caller_history_records import HANDLERS as RECORD_HANDLERS
from projections.caller_history_schema import (
    CASE_CHANGES,
    CASES,
    CONSENTS,
    CUSTOMERS,
    DDL,
    INTERACTIONS,
    MERGES,
    NOTES,
    TABLE_NAMES,
)
from projections.caller_history_upserts import InteractionUpserts

MAX_LIMIT = 200
MAX_MERGE_DEPTH = 10


class CallerHistoryProjection(Projection):
    name = "caller_history"
    version = 1
    tables = DDL
    table_names = TABLE_NAMES

    def handlers(self) -> Mapping[str, Handler]:
        return {**INTERACTION_HANDLERS, **RECORD_HANDLERS}

    @contextmanager
    def applying(self, tx: Tx) -> Iterator[Tx]:
        """One upsert per interaction row and batch (:mod:`projections.caller_history_upserts`)."""
        upserts = InteractionUpserts(tx)
        yield upserts
        upserts.flush()  # not after an error: the batch is rolled back anyway


_INTERACTION = (
    "SELECT interaction_id, customer_id, started_at, created_by, channel, direction, status, "
    "agent_id, queue, from_address, to_address, subject, answered_at, ended_at, wait_seconds, "
    f"talk_seconds, hold_seconds, wrap_up_code, wrap_up_notes FROM {INTERACTIONS} t",
    "t.started_at", "t.interaction_id::text", "t.channel", "t.started_at IS NOT NULL")
_CASE = (
    f"SELECT t.case_id, t.customer_id, t.opened_at, t.opened_by, o.channel, t.status, t.assignee_id, "
    f"t.resolution_code, t.kind, t.category, t.priority, t.summary, t.escalation_level, "
    f"t.origin_interaction_id, t.first_response_at, t.resolved_at, t.closed_at, "
    f"t.first_contact_resolution, t.satisfaction_score FROM {CASES} t "
    f"LEFT JOIN {INTERACTIONS} o ON o.interaction_id = t.origin_interaction_id",
    "t.opened_at", "t.case_id::text", "o.channel", "TRUE")
_CONSENT = (
    f"SELECT customer_id, version, at, actor, channel, purpose, granted, source FROM {CONSENTS} t",
    "t.at", "t.customer_id::text || ':' || t.version", "t.channel", "TRUE")


def members(tx: Tx, customer_id: UUID) -> list[UUID]:
    """The customer and every duplicate merged into it (also through chains of merges)."""
    rows = tx.fetchall(
        f"WITH RECURSIVE m(customer_id, depth) AS (SELECT %s::uuid, 0 UNION "
        f"SELECT d.customer_id, m.depth + 1 FROM {MERGES} d JOIN m ON d.survivor_id = m.customer_id "
        f"WHERE d.merged AND m.depth < %s) SELECT DISTINCT customer_id FROM m",
        (customer_id, MAX_MERGE_DEPTH))
    return [UUID(str(row[0])) for row in rows]


def customer_known(tx: Tx, customer_id: UUID) -> bool:
    """Whether the read model has heard of the customer at all (registered, or rows of it)."""
    row = tx.fetchone(
        f"SELECT EXISTS (SELECT 1 FROM {CUSTOMERS} WHERE customer_id = %(c)s) "
        f"OR EXISTS (SELECT 1 FROM {INTERACTIONS} WHERE customer_id = %(c)s) "
        f"OR EXISTS (SELECT 1 FROM {CASES} WHERE customer_id = %(c)s) "
        f"OR EXISTS (SELECT 1 FROM {CONSENTS} WHERE customer_id = %(c)s) "
        f"OR EXISTS (SELECT 1 FROM {MERGES} WHERE survivor_id = %(c)s AND merged)",
        {"c": customer_id})
    return bool(row and row[0])


def timeline(tx: Tx, customer_id: UUID, query: TimelineQuery) -> TimelinePage:
    """One page of the customer's timeline (and its merged duplicates'), newest first."""
    ids = members(tx, customer_id)
    channels = sorted(query.channels) or None
    rows = [_interaction(r) for r in _page(tx, _INTERACTION, ids, query, channels)]
    rows += [_case(r) for r in _page(tx, _CASE, ids, query, channels)]
    media = None if channels is None else consent_channels(channels)
    rows += [_consent(r) for r in _page(tx, _CONSENT, ids, query, media)]
    rows.sort(key=lambda entry: entry.position, reverse=True)
    entries = _with_details(tx, rows[:query.limit])
    more = len(rows) > query.limit
    return TimelinePage(entries, encode_cursor(entries[-1].position) if more else None)


def _page(tx: Tx, source: tuple[str, str, str, str, str], ids: list[UUID], query: TimelineQuery,
          channels: Sequence[str] | None) -> list[tuple[Any, ...]]:
    select, at, entry_id, channel, complete = source
    key = f'({entry_id}) COLLATE "C"'  # the byte order Python sorts strings in
    where = [complete, "t.customer_id = ANY(%(ids)s)"]
    params: dict[str, Any] = {"ids": ids, "limit": query.limit + 1}
    if channels is not None:
        where.append(f"{channel} = ANY(%(channels)s)")
        params["channels"] = list(channels)
    if query.since is not None:
        where.append(f"{at} >= %(since)s")
        params["since"] = query.since
    if query.until is not None:
        where.append(f"{at} < %(until)s")
        params["until"] = query.until
    if query.after is not None:
        where.append(f"({at} < %(at)s OR ({at} = %(at)s AND {key} < %(id)s))")
        params.update(at=query.after.at, id=query.after.id)
    return tx.fetchall(f"{select} WHERE {' AND '.join(where)} ORDER BY {at} DESC, {key} DESC "
                       "LIMIT %(limit)s", params)


def _interaction(r: tuple[Any, ...]) -> TimelineEntry:
    return TimelineEntry(
        kind="interaction", id=str(r[0]), customer_id=r[1], at=r[2], actor=r[3], channel=r[4],
        direction=r[5], status=r[6], outcome=interaction_outcome(r[6]), agent_id=r[7], queue=r[8],
        from_address=r[9], to_address=r[10], subject=r[11], answered_at=r[12], ended_at=r[13],
        wait_seconds=r[14], talk_seconds=r[15], hold_seconds=r[16], wrap_up_code=r[17],
        wrap_up_notes=r[18])


def _case(r: tuple[Any, ...]) -> TimelineEntry:
    details = CaseDetails(
        case_kind=r[8], category=r[9], priority=r[10], summary=r[11], escalation_level=r[12],
        origin_interaction_id=r[13], first_response_at=r[14], resolved_at=r[15], closed_at=r[16],
        first_contact_resolution=r[17], satisfaction_score=r[18])
    return TimelineEntry(kind="case", id=str(r[0]), customer_id=r[1], at=r[2], actor=r[3],
                         channel=r[4], status=r[5], agent_id=r[6], outcome=r[7], case=details)


def _consent(r: tuple[Any, ...]) -> TimelineEntry:
    details = ConsentDetails(consent_channel=r[4], purpose=r[5], granted=r[6], source=r[7])
    return TimelineEntry(kind="consent", id=f"{r[0]}:{r[1]}", customer_id=r[0], at=r[2], actor=r[3],
                         channel=timeline_channel(r[4]), outcome="granted" if r[6] else "withdrawn",
                         consent=details)


def _with_details(tx: Tx, entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """Attach notes (interactions, cases) and case histories to one page of entries."""
    parents = [UUID(e.id) for e in entries if e.kind != "consent"]
    if not parents:
        return entries
    notes: dict[str, list[Note]] = {}
    for parent, text, at, actor in tx.fetchall(
            f"SELECT parent_id, note, at, actor FROM {NOTES} WHERE parent_id = ANY(%s) "
            "ORDER BY parent_id, version", (parents,)):
        notes.setdefault(str(parent), []).append(Note(text, at, actor))
    changes: dict[str, list[CaseChange]] = {}
    for case_id, *change in tx.fetchall(
            f"SELECT case_id, change, status, agent_id, reason, at, actor FROM {CASE_CHANGES} "
            "WHERE case_id = ANY(%s) ORDER BY case_id, version", (parents,)):
        changes.setdefault(str(case_id), []).append(CaseChange(*change))
    result = []
    for entry in entries:
        found = tuple(notes.get(entry.id, ()))
        if entry.case is not None:
            history = tuple(changes.get(entry.id, ()))
            entry = replace(entry, case=replace(entry.case, changes=history))
        result.append(replace(entry, notes=found) if found else entry)
    return result
