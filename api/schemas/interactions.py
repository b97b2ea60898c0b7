"""Request and response bodies of the interaction endpoints (never events or aggregates)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from domain.consent import ConsentPurpose
from domain.interaction_values import Channel, Direction, InteractionStatus

PURPOSE = "why we contact the customer; a marketing purpose needs their consent (outbound only)"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Routing(Strict):
    queue: str | None = Field(default=None, max_length=100)
    agent_id: UUID | None = None
    customer_id: UUID | None = None
    purpose: ConsentPurpose | None = Field(default=None, description=PURPOSE)


class InteractionLog(Routing):
    """An e-mail, chat, SMS, social message, letter or visit (calls start ringing instead)."""

    channel: Channel
    direction: Direction
    from_address: str | None = Field(default=None, max_length=320)
    to_address: str | None = Field(default=None, max_length=320)
    subject: str | None = Field(default=None, max_length=500)
    body: str | None = Field(default=None, max_length=100_000)


class InteractionBatch(Strict):
    """A bulk import: every item is logged or none is."""

    items: list[InteractionLog] = Field(min_length=1, max_length=1000)


class BatchAccepted(BaseModel):
    """The ids of a stored batch, in item order, and the position of its last event."""

    ids: list[UUID]
    count: int
    position: int | None
    replayed: bool = False


class CallRing(Routing):
    direction: Direction
    from_number: str | None = Field(default=None, max_length=200,
                                    description="any format; withheld or absent stays empty")
    to_number: str | None = Field(default=None, max_length=200)


class AnswerIn(Strict):
    agent_id: UUID


class TransferIn(Strict):
    to_agent_id: UUID


class VoicemailIn(Strict):
    recording_reference: str = Field(min_length=1, max_length=500)


class ForwardIn(Strict):
    forwarded_to: str = Field(min_length=1, max_length=200)


class LinkIn(Strict):
    customer_id: UUID


class NoteIn(Strict):
    note: str = Field(min_length=1, max_length=10_000)


class WrapUpIn(Strict):
    code: str = Field(min_length=1, max_length=100)
    notes: str | None = Field(default=None, max_length=10_000)


class RecordingIn(Strict):
    reference: str = Field(min_length=1, max_length=500)


class InteractionPublic(BaseModel):
    id: UUID
    version: int
    channel: Channel
    direction: Direction
    status: InteractionStatus
    is_finished: bool
    customer_id: UUID | None
    from_address: str | None
    to_address: str | None
    subject: str | None
    body: str | None
    queue: str | None
    agent_id: UUID | None
    started_at: datetime
    answered_at: datetime | None
    held_since: datetime | None
    ended_at: datetime | None
    wait_seconds: float | None
    talk_seconds: float | None
    hold_seconds: float
    forwarded_to: str | None
    recording_references: list[str]
    wrap_up_code: str | None
    wrap_up_notes: str | None
    notes: list[str]
    created_at: datetime
    modified_at: datetime
