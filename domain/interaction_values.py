"""Channels, directions and statuses of an interaction."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    CALL = "call"
    EMAIL = "email"
    CHAT = "chat"
    SMS = "sms"
    SOCIAL = "social"
    LETTER = "letter"
    VISIT = "visit"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class InteractionStatus(StrEnum):
    """Calls move RINGING → ANSWERED ⇄ ON_HOLD → ENDED, or from RINGING to one
    of the unanswered outcomes; other channels move OPEN → CLOSED."""

    RINGING = "ringing"
    ANSWERED = "answered"
    ON_HOLD = "on_hold"
    ENDED = "ended"
    MISSED = "missed"
    ABANDONED = "abandoned"
    VOICEMAIL = "voicemail"
    BUSY = "busy"
    FORWARDED = "forwarded"
    OPEN = "open"
    CLOSED = "closed"

    @property
    def is_finished(self) -> bool:
        return self not in _UNFINISHED


_UNFINISHED = frozenset(
    {
        InteractionStatus.RINGING,
        InteractionStatus.ANSWERED,
        InteractionStatus.ON_HOLD,
        InteractionStatus.OPEN,
    }
)
