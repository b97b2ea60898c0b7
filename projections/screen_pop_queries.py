"""Reading the screen-pop card: one customer's card, and display names for lookup results.

A survivor's card also shows the open cases and contacts of the duplicates merged into it
(merges are never destructive, so those stay attached to the duplicate's id).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from projections.base import Tx
from projections.screen_pop_tables import (
    CARDS,
    CASES,
    CONSENTS,
    CONTACTS,
    INBOUND,
    LAST_CONTACTS,
    PREFERRED_CHANNEL_DAYS,
)

MAX_MERGE_DEPTH = 10


@dataclass(frozen=True)
class CardCase:
    case_id: UUID
    kind: str
    category: str
    priority: str
    status: str
    opened_at: datetime
    first_response_due: datetime
    resolution_due: datetime


@dataclass(frozen=True)
class CardContact:
    interaction_id: UUID
    channel: str
    direction: str
    started_at: datetime
    status: str
    outcome: str | None
    agent_id: UUID | None


@dataclass(frozen=True)
class CardConsent:
    channel: str
    purpose: str
    granted: bool
    recorded_at: datetime


@dataclass(frozen=True)
class Card:
    customer_id: UUID
    status: str  # active | merged | erased
    kind: str | None
    display_name: str | None
    organisation_id: UUID | None
    organisation_name: str | None
    merged_into: UUID | None
    segment: str | None
    abc_class: str | None
    vip: bool
    open_cases: tuple[CardCase, ...] = ()
    last_contacts: tuple[CardContact, ...] = ()
    consents: tuple[CardConsent, ...] = ()
    preferred_channel: str | None = None

    @property
    def has_open_complaint(self) -> bool:
        return any(case.kind == "complaint" for case in self.open_cases)


def card_for(tx: Tx, customer_id: UUID, now: datetime | None = None) -> Card | None:
    """The customer's card as stored (a merged duplicate's says ``merged_into``), or None.
    The preferred channel counts inbound contacts in the 90 days before ``now``; without
    ``now``, in the 90 days before the customer's latest inbound contact.

    Two round trips: the card row with the customer's family (the duplicates merged into
    it), then the family's cases, contacts, consents and preferred channel together."""
    rows, family_rows = tx.fetch_each([
        (f"SELECT customer_id, status, kind, display_name, organisation_id, organisation_name, "
         f"merged_into, segment, abc_class, vip FROM {CARDS} WHERE customer_id = %s", (customer_id,)),
        _family_query(customer_id)])
    if not rows:
        return None
    card = Card(*rows[0])
    if card.status == "erased":
        return card
    family = [UUID(str(r[0])) for r in family_rows]
    since = date.min if now is None else now.astimezone(UTC).date() - timedelta(PREFERRED_CHANNEL_DAYS)
    cases, contacts, consents, preferred = tx.fetch_each([
        _open_cases_query(family), _last_contacts_query(family), _consents_query(customer_id),
        _preferred_query(family, since)])
    return replace(card, open_cases=tuple(CardCase(*r) for r in cases),
                   last_contacts=tuple(CardContact(*r) for r in contacts),
                   consents=tuple(CardConsent(*r) for r in consents),
                   preferred_channel=str(preferred[0][0]) if preferred else None)


def display_names(tx: Tx, customer_ids: Sequence[UUID]) -> dict[UUID, str | None]:
    """Display names from the cards (None for an erased or not yet projected customer)."""
    if not customer_ids:
        return {}
    rows = tx.fetchall(f"SELECT customer_id, display_name FROM {CARDS} WHERE customer_id = ANY(%s)",
                       (list(customer_ids),))
    names: dict[UUID, str | None] = dict.fromkeys(customer_ids)
    names.update({UUID(str(cid)): name for cid, name in rows})
    return names


Read = tuple[str, tuple[Any, ...]]


def _family_query(customer_id: UUID) -> Read:
    """The customer and every duplicate merged into it, directly or through another."""
    return (f"WITH RECURSIVE family(customer_id, depth) AS (SELECT %s::uuid, 0 UNION "
            f"SELECT c.customer_id, f.depth + 1 FROM {CARDS} c "
            f"JOIN family f ON c.merged_into = f.customer_id WHERE c.status = 'merged' AND f.depth < %s) "
            "SELECT DISTINCT customer_id FROM family",
            (customer_id, MAX_MERGE_DEPTH))


def _open_cases_query(family: list[UUID]) -> Read:
    return (f"SELECT case_id, kind, category, priority, status, opened_at, first_response_due, "
            f"resolution_due FROM {CASES} WHERE customer_id = ANY(%s) AND status IN ('open', 'pending') "
            "ORDER BY first_response_due, case_id", (family,))


def _last_contacts_query(family: list[UUID]) -> Read:
    return (f"SELECT interaction_id, channel, direction, started_at, status, outcome, agent_id "
            f"FROM {CONTACTS} WHERE customer_id = ANY(%s) "
            "ORDER BY started_at DESC, interaction_id DESC LIMIT %s", (family, LAST_CONTACTS))


def _consents_query(customer_id: UUID) -> Read:
    return (f"SELECT channel, purpose, granted, recorded_at FROM {CONSENTS} "
            "WHERE customer_id = %s ORDER BY channel, purpose", (customer_id,))


def _preferred_query(family: list[UUID], since: date) -> Read:
    """Most inbound contacts; ties go to the channel used most recently, then by name."""
    return (f"SELECT channel FROM {INBOUND} WHERE customer_id = ANY(%s) AND day > %s GROUP BY channel "
            "ORDER BY sum(contacts) DESC, max(day) DESC, channel LIMIT 1", (family, since))
