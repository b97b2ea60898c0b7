"""The events a telephony system reports (Zammad's generic CTI vocabulary) and what a hangup
means for a call that was never answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid5

from domain.interaction import Interaction
from domain.interaction_values import Direction

CTI_NAMESPACE = UUID("6f1d3a52-9c0e-4b7a-8e25-1a4c7d9b0e63")


class CtiEventKind(StrEnum):
    NEW_CALL = "newCall"
    ANSWER = "answer"
    HANGUP = "hangup"


class Cause(StrEnum):
    NORMAL_CLEARING = "normalClearing"
    BUSY = "busy"
    CANCEL = "cancel"
    NO_ANSWER = "noAnswer"
    CONGESTION = "congestion"
    NOT_FOUND = "notFound"
    FORWARDED = "forwarded"


@dataclass(frozen=True)
class CtiEvent:
    """One webhook call, its numbers as the telephony system sent them."""

    kind: CtiEventKind
    from_number: str
    to_number: str
    direction: Direction
    call_id: str
    users: tuple[str, ...] = ()
    queue: str | None = None
    answering_number: str | None = None
    cause: Cause | None = None


def call_interaction_id(integration_id: UUID, call_id: str) -> UUID:
    """The interaction a CTI call id stands for: the same for every event and retry."""
    return uuid5(CTI_NAMESPACE, f"{integration_id}:{call_id}")


def end_unanswered(interaction: Interaction, event: CtiEvent, actor: str, now: datetime) -> None:
    """Hang up a call that is still ringing, by the hangup's cause.

    ``cancel`` (the caller gave up) abandons it; ``busy`` ends it busy; ``forwarded``
    forwards it (to ``answeringNumber`` when given); every other cause, and none, leaves it
    missed: nobody of ours picked up, whatever the line did (an announcement or a voicemail
    box clears normally).
    """
    cause = event.cause or Cause.NORMAL_CLEARING
    if cause is Cause.CANCEL:
        interaction.abandon(actor=actor, occurred_at=now)
    elif cause is Cause.BUSY:
        interaction.end_busy(actor=actor, occurred_at=now)
    elif cause is Cause.FORWARDED:
        interaction.forward(event.answering_number or "unknown", actor=actor, occurred_at=now)
    else:
        interaction.miss(actor=actor, occurred_at=now)
