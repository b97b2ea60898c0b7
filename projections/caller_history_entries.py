"""What the caller history timeline returns, and the pure pieces of reading it: cursors,
channel names of consent, outcomes."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

# Consent speaks of the medium (phone, post), interactions of the channel (call, letter).
_CONSENT_TO_TIMELINE = {"phone": "call", "post": "letter"}
_FINISHED = frozenset({"ended", "missed", "abandoned", "voicemail", "busy", "forwarded", "closed"})


@dataclass(frozen=True, order=True)
class Position:
    """Where an entry sits on the timeline: newest first, ties broken by the entry id."""

    at: datetime
    id: str


@dataclass(frozen=True)
class Note:
    text: str | None
    at: datetime
    actor: str


@dataclass(frozen=True)
class CaseChange:
    change: str  # opened, pending, resumed, assigned, escalated, resolved, closed, reopened
    status: str  # the case's status after the change
    agent_id: UUID | None
    reason: str | None
    at: datetime
    actor: str


@dataclass(frozen=True)
class CaseDetails:
    case_kind: str
    category: str
    priority: str
    summary: str | None
    escalation_level: int
    origin_interaction_id: UUID | None
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    first_contact_resolution: bool | None
    satisfaction_score: int | None
    changes: tuple[CaseChange, ...] = ()


@dataclass(frozen=True)
class ConsentDetails:
    consent_channel: str  # as recorded: phone, email, sms, post, chat, social
    purpose: str
    granted: bool
    source: str


@dataclass(frozen=True)
class TimelineEntry:
    """One item of a customer's history. ``kind`` is ``interaction``, ``case`` or ``consent``;
    ``agent_id`` is the handling agent or the case's assignee; ``outcome`` how an interaction
    finished, a case's resolution code, or whether consent was granted or withdrawn."""

    kind: str
    id: str
    customer_id: UUID
    at: datetime
    actor: str
    channel: str | None = None
    direction: str | None = None
    status: str | None = None
    outcome: str | None = None
    agent_id: UUID | None = None
    queue: str | None = None
    from_address: str | None = None
    to_address: str | None = None
    subject: str | None = None
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    wait_seconds: float | None = None
    talk_seconds: float | None = None
    hold_seconds: float | None = None
    wrap_up_code: str | None = None
    wrap_up_notes: str | None = None
    notes: tuple[Note, ...] = ()
    case: CaseDetails | None = None
    consent: ConsentDetails | None = None

    @property
    def position(self) -> Position:
        return Position(self.at, self.id)


@dataclass(frozen=True)
class TimelineQuery:
    """``since`` is inclusive, ``until`` exclusive; ``after`` continues a previous page."""

    limit: int = 50
    after: Position | None = None
    channels: frozenset[str] = field(default_factory=frozenset)
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class TimelinePage:
    entries: list[TimelineEntry]
    next_cursor: str | None


def timeline_channel(consent_channel: str) -> str:
    """The interaction channel a consent medium corresponds to (``phone`` → ``call``)."""
    return _CONSENT_TO_TIMELINE.get(consent_channel, consent_channel)


def consent_channels(channels: Iterable[str]) -> list[str]:
    """The consent media that show on the timeline under any of ``channels``."""
    wanted = set(channels)
    media = {medium for medium, channel in _CONSENT_TO_TIMELINE.items() if channel in wanted}
    return sorted(media | (wanted - set(_CONSENT_TO_TIMELINE.values())))


def interaction_outcome(status: str | None) -> str | None:
    """How an interaction finished, or None while it is still going on."""
    return status if status in _FINISHED else None


def encode_cursor(position: Position) -> str:
    text = json.dumps([position.at.isoformat(), position.id], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> Position:
    """The position a cursor from :func:`encode_cursor` stands for; ValueError if it is none."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at_text, entry_id = json.loads(raw)
        at = datetime.fromisoformat(at_text)
    except (binascii.Error, UnicodeDecodeError, TypeError, ValueError) as exc:
        raise ValueError("not a timeline cursor") from exc
    if not isinstance(entry_id, str) or not entry_id or at.tzinfo is None:
        raise ValueError("not a timeline cursor")
    return Position(at, entry_id)
