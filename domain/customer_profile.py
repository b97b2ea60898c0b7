"""Customer state, its guards, and the commands for details and identities.

Part of :class:`domain.customer.Customer`, which binds the ``_on_*`` appliers
to their event classes; see :mod:`domain.events` for the pattern.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from domain.consent import ConsentKey, ConsentRecord
from domain.customer_details import (
    CustomerDetails,
    CustomerKind,
    CustomerStatus,
    checked_details,
    details_from_fields,
    details_to_fields,
)
from domain.errors import (
    CustomerInactive,
    IdentityAlreadyPresent,
    IdentityNotPresent,
    InvalidTransition,
)
from domain.identity import Identity, identity_from_parts
from domain.validation import require_utc


class CustomerProfile:
    """Everything a customer knows about itself, and who may change it."""

    kind: CustomerKind
    details: CustomerDetails
    status: CustomerStatus
    identities: list[Identity]
    consents: dict[ConsentKey, ConsentRecord]
    organisation_id: UUID | None
    contact_person_ids: list[UUID]
    merged_into: UUID | None
    absorbed_ids: list[UUID]

    if TYPE_CHECKING:

        @property
        def id(self) -> UUID: ...

    def update_details(
        self, details: CustomerDetails, *, actor: str, occurred_at: datetime
    ) -> None:
        """Replace the details as a whole; unchanged details record nothing."""
        self._require_status(CustomerStatus.ACTIVE)
        checked = checked_details(self.kind, details, require_utc(occurred_at).date())
        if checked != self.details:
            self._on_details_updated(
                **details_to_fields(checked), actor=actor, occurred_at=occurred_at
            )

    def _on_details_updated(
        self,
        *,
        display_name: str,
        given_name: str | None,
        family_name: str | None,
        organisation_name: str | None,
        birth_date: str | None,
        address: dict[str, str] | None,
        actor: str,
        occurred_at: datetime,
    ) -> None:
        self.details = details_from_fields(
            display_name, given_name, family_name, organisation_name, birth_date, address
        )

    def add_identity(self, identity: Identity, *, actor: str, occurred_at: datetime) -> None:
        self._require_status(CustomerStatus.ACTIVE)
        if identity in self.identities:
            raise IdentityAlreadyPresent(
                f"customer already has this {identity.kind}", field=identity.kind
            )
        self._on_identity_added(
            identity_kind=identity.kind.value,
            scope=identity.scope,
            value=identity.value,
            actor=actor,
            occurred_at=occurred_at,
        )

    def _on_identity_added(
        self,
        *,
        identity_kind: str,
        scope: str,
        value: str,
        actor: str,
        occurred_at: datetime,
    ) -> None:
        self.identities.append(identity_from_parts(identity_kind, value, scope))

    def remove_identity(self, identity: Identity, *, actor: str, occurred_at: datetime) -> None:
        self._require_status(CustomerStatus.ACTIVE)
        if identity not in self.identities:
            raise IdentityNotPresent(f"customer has no such {identity.kind}", field=identity.kind)
        self._on_identity_removed(
            identity_kind=identity.kind.value,
            scope=identity.scope,
            value=identity.value,
            actor=actor,
            occurred_at=occurred_at,
        )

    def _on_identity_removed(
        self,
        *,
        identity_kind: str,
        scope: str,
        value: str,
        actor: str,
        occurred_at: datetime,
    ) -> None:
        self.identities.remove(identity_from_parts(identity_kind, value, scope))

    def _require_status(self, *allowed: CustomerStatus) -> None:
        if self.status not in allowed:
            raise CustomerInactive(f"customer is {self.status}", field="status")

    def _require_kind(self, kind: CustomerKind) -> None:
        self._require_status(CustomerStatus.ACTIVE)
        if self.kind is not kind:
            raise InvalidTransition(f"only allowed for kind {kind}", field="kind")
