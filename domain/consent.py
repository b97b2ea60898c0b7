"""Consent: what a customer allowed, on which channel, since when, from where."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ConsentChannel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    SMS = "sms"
    POST = "post"
    CHAT = "chat"
    SOCIAL = "social"


class ConsentPurpose(StrEnum):
    SERVICE_CONTACT = "service_contact"
    MARKETING_CALL = "marketing_call"
    MARKETING_EMAIL = "marketing_email"
    MARKETING_SMS = "marketing_sms"

    @property
    def natural_channel(self) -> ConsentChannel | None:
        """The one channel a marketing purpose implies; ``None`` for any channel."""
        return _NATURAL_CHANNEL.get(self)


_NATURAL_CHANNEL = {
    ConsentPurpose.MARKETING_CALL: ConsentChannel.PHONE,
    ConsentPurpose.MARKETING_EMAIL: ConsentChannel.EMAIL,
    ConsentPurpose.MARKETING_SMS: ConsentChannel.SMS,
}


@dataclass(frozen=True)
class ConsentRecord:
    """The latest decision for one channel × purpose."""

    granted: bool
    source: str
    recorded_at: datetime


ConsentKey = tuple[ConsentChannel, ConsentPurpose]


def consent_given(
    records: dict[ConsentKey, ConsentRecord],
    purpose: ConsentPurpose,
    channel: ConsentChannel | None,
) -> bool:
    """Opt-in: no record means no consent.

    Without a channel, a marketing purpose is checked on its natural channel
    and service contact on any channel.
    """
    channel = channel or purpose.natural_channel
    if channel is not None:
        record = records.get((channel, purpose))
        return record is not None and record.granted
    return any(record.granted for (_, p), record in records.items() if p is purpose)
