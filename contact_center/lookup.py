"""Who is calling: caller ID or e-mail → the matching customers (none, one, several)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TypeVar
from uuid import UUID

from adapters.read_store import ReadStore
from contact_center.identity_normalisation import is_withheld, normalise_phone
from contact_center.read_your_writes import ReadConsistency
from domain.errors import InvalidValue
from domain.identity import canonical_email
from projections.base import Read
from projections.identity_lookup import IdentityDigest, IdentityLookupProjection
from projections.screen_pop_card import (
    Card,
    ScreenPopCardProjection,
    named_customers,
    named_customers_with_card,
)

PROJECTION = IdentityLookupProjection.name + "_v" + str(IdentityLookupProjection.version)
CARDS = ScreenPopCardProjection().full_name
T = TypeVar("T")


class Match(StrEnum):
    NONE = "none"
    SINGLE = "single"
    MULTIPLE = "multiple"
    WITHHELD = "withheld"


@dataclass(frozen=True)
class LookupResult:
    match: Match
    customer_ids: list[UUID]
    normalised: str | None
    display_names: dict[UUID, str | None] = field(default_factory=dict)  # from the screen-pop cards
    card: Card | None = None  # a single match's card, for a ring (:meth:`LookupService.ring_lookup`)


class LookupService:
    def __init__(self, reads: ReadStore, consistency: ReadConsistency, digest: IdentityDigest,
                 default_region: str) -> None:
        self.reads = reads
        self.consistency = consistency
        self.digest = digest
        self.default_region = default_region

    def lookup(self, *, phone: str | None = None, email: str | None = None,
               min_position: int | None = None) -> LookupResult:
        if (phone is None) == (email is None):
            raise InvalidValue("give exactly one of phone or email", field="phone")
        if phone is not None and is_withheld(phone):
            return LookupResult(Match.WITHHELD, [], None)
        if phone is not None:
            kind, value = "phone", normalise_phone(phone, self.default_region)
        else:
            kind, value = "email", canonical_email(str(email))
        self.consistency.require(PROJECTION, min_position)
        self.consistency.require(CARDS, min_position)
        with self.reads.glancing() as tx:  # one statement: one snapshot on its own
            names = named_customers(tx, self.digest(kind, value))
        return _result(value, names, None)

    def ring_lookup(self, phone: str, card_at: datetime, offer: Read[T],
                    claim: Read[bool]) -> tuple[LookupResult, T, bool]:
        """A ringing caller's lookup (``phone`` a number, not withheld) with the single match's
        card, the agents to offer the call to (``offer``) and the ring's claim on the call
        (``claim``), in one round trip: what a ring's screen-pop needs before it can pop."""
        value = normalise_phone(phone, self.default_region)
        found = named_customers_with_card(self.digest("phone", value), card_at)
        with self.reads.glancing() as tx:
            rows, offer_rows, claim_rows = tx.fetch_each(
                [(found.query, found.params), (offer.query, offer.params), (claim.query, claim.params)])
        return _result(value, *found.parse(rows)), offer.parse(offer_rows), claim.parse(claim_rows)

    def ring_offer(self, offer: Read[T], claim: Read[bool]) -> tuple[T, bool]:
        """A ringing caller with no number to look up (withheld, or an internal extension): the
        agents to offer the call to and the ring's claim on the call, in one round trip."""
        with self.reads.glancing() as tx:
            offer_rows, claim_rows = tx.fetch_each([(offer.query, offer.params), (claim.query, claim.params)])
        return offer.parse(offer_rows), claim.parse(claim_rows)


def _result(value: str, names: dict[UUID, str | None], card: Card | None) -> LookupResult:
    ids = list(names)
    match = Match.NONE if not ids else Match.SINGLE if len(ids) == 1 else Match.MULTIPLE
    return LookupResult(match, ids, value, names, card)
