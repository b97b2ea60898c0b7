"""Customer commands and queries for consent (see :mod:`domain.consent`).

Part of :class:`domain.customer.Customer`, which binds the ``_on_*`` appliers.
"""

from __future__ import annotations

from datetime import datetime

from domain.consent import ConsentChannel, ConsentPurpose, ConsentRecord, consent_given
from domain.customer_details import CustomerStatus
from domain.customer_profile import CustomerProfile
from domain.errors import ConsentMissing, InvalidValue
from domain.validation import require_text


class CustomerConsent(CustomerProfile):
    """Opt-in consent per channel × purpose, with its source and time."""

    def grant_consent(
        self,
        channel: ConsentChannel,
        purpose: ConsentPurpose,
        *,
        source: str,
        actor: str,
        occurred_at: datetime,
    ) -> None:
        """Record a grant; granting again re-records it (fresh proof). A marketing purpose is
        granted on its own channel only (``marketing_call`` by phone …): a grant elsewhere
        would allow nothing, and reads as if it did. Withdrawals are taken on any channel."""
        self._require_status(CustomerStatus.ACTIVE)
        natural = purpose.natural_channel
        if natural is not None and channel is not natural:
            raise InvalidValue(f"{purpose.value} is granted on the {natural.value} channel, not "
                               f"{channel.value}", field="channel")
        self._on_consent_granted(
            channel=channel.value,
            purpose=purpose.value,
            source=require_text(source, "source"),
            actor=actor,
            occurred_at=occurred_at,
        )

    def _on_consent_granted(
        self, *, channel: str, purpose: str, source: str, actor: str, occurred_at: datetime
    ) -> None:
        self._set_consent(channel, purpose, ConsentRecord(True, source, occurred_at))

    def withdraw_consent(
        self,
        channel: ConsentChannel,
        purpose: ConsentPurpose,
        *,
        source: str,
        actor: str,
        occurred_at: datetime,
    ) -> None:
        """Record a withdrawal, even without a grant (a do-not-contact request)."""
        self._require_status(CustomerStatus.ACTIVE)
        self._on_consent_withdrawn(
            channel=channel.value,
            purpose=purpose.value,
            source=require_text(source, "source"),
            actor=actor,
            occurred_at=occurred_at,
        )

    def _on_consent_withdrawn(
        self, *, channel: str, purpose: str, source: str, actor: str, occurred_at: datetime
    ) -> None:
        self._set_consent(channel, purpose, ConsentRecord(False, source, occurred_at))

    def _set_consent(self, channel: str, purpose: str, record: ConsentRecord) -> None:
        self.consents[(ConsentChannel(channel), ConsentPurpose(purpose))] = record

    def has_consent(self, purpose: ConsentPurpose, channel: ConsentChannel | None = None) -> bool:
        """Opt-in check, see :func:`domain.consent.consent_given`; never after erasure."""
        if self.status is CustomerStatus.ERASED:
            return False
        return consent_given(self.consents, purpose, channel)

    def require_consent(
        self, purpose: ConsentPurpose, channel: ConsentChannel | None = None
    ) -> None:
        """Raise ``ConsentMissing`` unless :meth:`has_consent`."""
        if not self.has_consent(purpose, channel):
            raise ConsentMissing(f"customer has not consented to {purpose}", field="purpose")
