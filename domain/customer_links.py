"""Customer commands that link customers: organisations, merges, erasure.

Part of :class:`domain.customer.Customer`, which binds the ``_on_*`` appliers.
Merging is never destructive: the duplicate records ``MergedInto``, the
survivor ``DuplicateAbsorbed``; ``unmerge`` and ``release_duplicate`` undo
them.  The application layer changes both customers in one command.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.customer_details import ERASED_DETAILS, CustomerKind, CustomerStatus
from domain.customer_profile import CustomerProfile
from domain.errors import AlreadyPresent, MergeNotAllowed, NotPresent
from domain.validation import require_text

_LIVE = (CustomerStatus.ACTIVE, CustomerStatus.MERGED)


class CustomerLinks(CustomerProfile):
    def add_contact_person(self, person_id: UUID, *, actor: str, occurred_at: datetime) -> None:
        self._require_kind(CustomerKind.ORGANISATION)
        if person_id == self.id or person_id in self.contact_person_ids:
            raise AlreadyPresent("already a contact person", field="person_id")
        self._on_contact_person_added(person_id=person_id, actor=actor, occurred_at=occurred_at)

    def _on_contact_person_added(
        self, *, person_id: UUID, actor: str, occurred_at: datetime
    ) -> None:
        self.contact_person_ids.append(person_id)

    def remove_contact_person(self, person_id: UUID, *, actor: str, occurred_at: datetime) -> None:
        self._require_kind(CustomerKind.ORGANISATION)
        if person_id not in self.contact_person_ids:
            raise NotPresent("not a contact person", field="person_id")
        self._on_contact_person_removed(person_id=person_id, actor=actor, occurred_at=occurred_at)

    def _on_contact_person_removed(
        self, *, person_id: UUID, actor: str, occurred_at: datetime
    ) -> None:
        self.contact_person_ids.remove(person_id)

    def join_organisation(
        self, organisation_id: UUID, *, actor: str, occurred_at: datetime
    ) -> None:
        """Make this person a member; one organisation at a time."""
        self._require_kind(CustomerKind.PERSON)
        if self.organisation_id is not None:
            raise AlreadyPresent("already in an organisation", field="organisation_id")
        self._on_organisation_joined(
            organisation_id=organisation_id, actor=actor, occurred_at=occurred_at
        )

    def _on_organisation_joined(
        self, *, organisation_id: UUID, actor: str, occurred_at: datetime
    ) -> None:
        self.organisation_id = organisation_id

    def leave_organisation(self, *, actor: str, occurred_at: datetime) -> None:
        self._require_kind(CustomerKind.PERSON)
        if self.organisation_id is None:
            raise NotPresent("not in an organisation", field="organisation_id")
        self._on_organisation_left(
            organisation_id=self.organisation_id, actor=actor, occurred_at=occurred_at
        )

    def _on_organisation_left(
        self, *, organisation_id: UUID, actor: str, occurred_at: datetime
    ) -> None:
        self.organisation_id = None

    def merge_into(self, survivor_id: UUID, *, actor: str, occurred_at: datetime) -> None:
        """Mark this customer a duplicate of ``survivor_id``."""
        if survivor_id == self.id:
            raise MergeNotAllowed("cannot merge into itself", field="survivor_id")
        if self.status is CustomerStatus.MERGED:
            raise MergeNotAllowed("customer is already merged", field="survivor_id")
        self._require_status(CustomerStatus.ACTIVE)
        self._on_merged_into(survivor_id=survivor_id, actor=actor, occurred_at=occurred_at)

    def _on_merged_into(self, *, survivor_id: UUID, actor: str, occurred_at: datetime) -> None:
        self.status = CustomerStatus.MERGED
        self.merged_into = survivor_id

    def absorb(self, duplicate_id: UUID, *, actor: str, occurred_at: datetime) -> None:
        """Record on the survivor that ``duplicate_id`` was merged into it."""
        if duplicate_id == self.id:
            raise MergeNotAllowed("cannot absorb itself", field="duplicate_id")
        if duplicate_id in self.absorbed_ids:
            raise MergeNotAllowed("duplicate already absorbed", field="duplicate_id")
        self._require_status(CustomerStatus.ACTIVE)
        self._on_duplicate_absorbed(duplicate_id=duplicate_id, actor=actor, occurred_at=occurred_at)

    def _on_duplicate_absorbed(
        self, *, duplicate_id: UUID, actor: str, occurred_at: datetime
    ) -> None:
        self.absorbed_ids.append(duplicate_id)

    def unmerge(self, *, actor: str, occurred_at: datetime) -> None:
        """Undo :meth:`merge_into`: the customer is active again."""
        self._require_status(*_LIVE)
        if self.merged_into is None:
            raise MergeNotAllowed("customer is not merged", field="survivor_id")
        self._on_unmerged(survivor_id=self.merged_into, actor=actor, occurred_at=occurred_at)

    def _on_unmerged(self, *, survivor_id: UUID, actor: str, occurred_at: datetime) -> None:
        self.status = CustomerStatus.ACTIVE
        self.merged_into = None

    def release_duplicate(self, duplicate_id: UUID, *, actor: str, occurred_at: datetime) -> None:
        """Undo :meth:`absorb` on the survivor (allowed even if it merged on since)."""
        self._require_status(*_LIVE)
        if duplicate_id not in self.absorbed_ids:
            raise MergeNotAllowed("not an absorbed duplicate", field="duplicate_id")
        self._on_duplicate_released(duplicate_id=duplicate_id, actor=actor, occurred_at=occurred_at)

    def _on_duplicate_released(
        self, *, duplicate_id: UUID, actor: str, occurred_at: datetime
    ) -> None:
        self.absorbed_ids.remove(duplicate_id)

    def erase_personal_data(self, legal_basis: str, *, actor: str, occurred_at: datetime) -> None:
        """Mark the erasure; after it the customer takes no more writes.

        The keys encrypting earlier personal fields are shredded outside the
        domain; this event only records that, and why.
        """
        self._require_status(*_LIVE)
        self._on_personal_data_erased(
            legal_basis=require_text(legal_basis, "legal_basis"),
            actor=actor,
            occurred_at=occurred_at,
        )

    def _on_personal_data_erased(
        self, *, legal_basis: str, actor: str, occurred_at: datetime
    ) -> None:
        self.status = CustomerStatus.ERASED
        self.details = ERASED_DETAILS
        self.identities = []
