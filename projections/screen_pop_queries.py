"""Reading the screen-pop card: one customer's card, and a lookup's customers with their names.

A survivor's card also shows the open cases and contacts of the duplicates merged into it
(merges are never destructive, so those stay attached to the duplicate's id).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from projections.base import Read, Tx
from projections.identity_lookup import RESOLVED
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

    One statement (one round trip, one snapshot): the card row, and the open cases, last
    contacts and preferred channel of its family (the customer and the duplicates merged into
    it), its consents, each aggregated as JSON."""
    row = tx.fetchone(_CARD, {"id": customer_id, "depth": MAX_MERGE_DEPTH, "last": LAST_CONTACTS,
                              "since": _since(now)})
    return None if row is None else _card(row)


def _since(now: datetime | None) -> date:
    return date.min if now is None else now.astimezone(UTC).date() - timedelta(PREFERRED_CHANNEL_DAYS)


def _card(row: Sequence[Any]) -> Card:
    card = Card(*row[:10])
    if card.status == "erased":
        return card
    cases, contacts, consents, preferred = row[10:]
    return replace(card, open_cases=tuple(_case(*c) for c in cases),
                   last_contacts=tuple(_contact(*c) for c in contacts),
                   consents=tuple(CardConsent(channel, purpose, granted, datetime.fromisoformat(at))
                                  for channel, purpose, granted, at in consents),
                   preferred_channel=preferred)


def _card_parts(customer: str) -> tuple[str, str]:
    """The card of the customer ``customer`` (an SQL expression) names: its common table
    expressions (for ``WITH RECURSIVE``) and the query that reads it."""
    expressions = (
        f"family(customer_id, depth) AS (SELECT {customer}, 0 UNION "
        f"SELECT c.customer_id, f.depth + 1 FROM {CARDS} c JOIN family f ON c.merged_into = f.customer_id "
        f"WHERE c.status = 'merged' AND f.depth < %(depth)s), "
        "members AS (SELECT array_agg(DISTINCT customer_id) AS ids FROM family)")
    return expressions, (
        "SELECT c.customer_id, c.status, c.kind, c.display_name, c.organisation_id, c.organisation_name, "
        "c.merged_into, c.segment, c.abc_class, c.vip, "
        "(SELECT coalesce(json_agg(json_build_array(case_id, kind, category, priority, status, opened_at, "
        "first_response_due, resolution_due) ORDER BY first_response_due, case_id), '[]') "
        f"FROM {CASES} WHERE customer_id = ANY(m.ids) AND status IN ('open', 'pending')) AS open_cases, "
        "(SELECT coalesce(json_agg(json_build_array(interaction_id, channel, direction, started_at, status, "
        "outcome, agent_id) ORDER BY started_at DESC, interaction_id DESC), '[]') FROM ("
        f"SELECT * FROM {CONTACTS} WHERE customer_id = ANY(m.ids) "
        "ORDER BY started_at DESC, interaction_id DESC LIMIT %(last)s) latest) AS last_contacts, "
        "(SELECT coalesce(json_agg(json_build_array(channel, purpose, granted, recorded_at) "
        f"ORDER BY channel, purpose), '[]') FROM {CONSENTS} WHERE customer_id = {customer}) AS consents, "
        # Most inbound contacts; ties go to the channel used most recently, then by name.
        f"(SELECT channel FROM {INBOUND} WHERE customer_id = ANY(m.ids) AND day > %(since)s "
        "GROUP BY channel ORDER BY sum(contacts) DESC, max(day) DESC, channel LIMIT 1) AS preferred_channel "
        f"FROM {CARDS} c CROSS JOIN members m WHERE c.customer_id = {customer}")


_CARD = "WITH RECURSIVE {} {}".format(*_card_parts("%(id)s::uuid"))
_SINGLE_EXPRESSIONS, _SINGLE_QUERY = _card_parts("(SELECT id FROM single)")
# The lookup's customers with their names and, for a single one, its card: what a ring needs.
_NAMED_WITH_CARD = (
    f"WITH RECURSIVE found AS (SELECT f.customer_id, c.display_name FROM ({RESOLVED}) f "
    f"LEFT JOIN {CARDS} c USING (customer_id)), "
    "single AS (SELECT (array_agg(customer_id))[1] AS id FROM found HAVING count(*) = 1), "
    f"{_SINGLE_EXPRESSIONS}, card AS ({_SINGLE_QUERY}) "
    "SELECT (SELECT json_agg(json_build_array(customer_id, display_name) ORDER BY customer_id) "
    "FROM found), card.* FROM (SELECT 1) AS one LEFT JOIN card ON true")


def _uuid(text: str | None) -> UUID | None:
    return None if text is None else UUID(text)


def _case(case_id: str, kind: str, category: str, priority: str, status: str, opened_at: str,
          first_response_due: str, resolution_due: str) -> CardCase:
    return CardCase(UUID(case_id), kind, category, priority, status, datetime.fromisoformat(opened_at),
                    datetime.fromisoformat(first_response_due), datetime.fromisoformat(resolution_due))


def _contact(interaction_id: str, channel: str, direction: str, started_at: str, status: str,
             outcome: str | None, agent_id: str | None) -> CardContact:
    return CardContact(UUID(interaction_id), channel, direction, datetime.fromisoformat(started_at),
                       status, outcome, _uuid(agent_id))


def named_customers_with_card(digest: str, now: datetime) -> Read[tuple[dict[UUID, str | None],
                                                                         Card | None]]:
    """:func:`named_customers`, and for a single one its card as :func:`card_for` reads it
    (None when it has no card yet): one statement for a ring's screen-pop."""

    def parse(rows: list[tuple[Any, ...]]) -> tuple[dict[UUID, str | None], Card | None]:
        (row,) = rows  # one row, whatever matched
        names = {UUID(str(cid)): name for cid, name in row[0] or ()}
        return names, None if row[1] is None else _card(row[1:])

    return Read(_NAMED_WITH_CARD, {"digest": digest, "depth": MAX_MERGE_DEPTH, "last": LAST_CONTACTS,
                                   "since": _since(now)}, parse)


def named_customers(tx: Tx, digest: str) -> dict[UUID, str | None]:
    """The identity lookup's customers for ``digest`` (merged duplicates replaced by their
    survivors), in id order, with their cards' display names (None for an erased customer or
    one not yet on a card): one statement, as the screen-pop asks it on every ring."""
    rows = tx.fetchall(f"SELECT f.customer_id, c.display_name FROM ({RESOLVED}) f "
                       f"LEFT JOIN {CARDS} c USING (customer_id) ORDER BY 1", {"digest": digest})
    return {UUID(str(cid)): name for cid, name in rows}
