"""Response bodies of the screen-pop card (never events or read-model rows)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field

from domain.case_values import CaseKind, CaseStatus, Priority
from domain.consent import ConsentChannel, ConsentPurpose
from domain.customer_details import CustomerKind, CustomerStatus
from domain.interaction_values import Channel, Direction, InteractionStatus


class OrganisationOut(BaseModel):
    id: UUID
    name: str | None


class CardCaseOut(BaseModel):
    id: UUID
    kind: CaseKind
    category: str
    priority: Priority
    status: CaseStatus
    opened_at: datetime
    first_response_due: datetime
    resolution_due: datetime


class CardContactOut(BaseModel):
    interaction_id: UUID
    channel: Channel
    direction: Direction
    started_at: datetime
    status: InteractionStatus
    outcome: str | None = Field(description="the wrap-up code, once recorded")
    agent_id: UUID | None


class CardConsentOut(BaseModel):
    channel: ConsentChannel
    purpose: ConsentPurpose
    granted: bool
    recorded_at: datetime


class CardFlagsOut(BaseModel):
    vip: bool
    has_open_complaint: bool


class CardOut(BaseModel):
    id: UUID = Field(description="the customer whose card this is: the survivor of a merge")
    requested_id: UUID
    status: CustomerStatus
    merged_into: UUID | None
    kind: CustomerKind | None
    display_name: str | None
    organisation: OrganisationOut | None
    segment: str | None = Field(description="set by analytics; null until it exists")
    abc_class: str | None = Field(description="set by analytics; null until it exists")
    open_cases: list[CardCaseOut]
    last_contacts: list[CardContactOut] = Field(description="the five newest, newest first")
    preferred_channel: Channel | None = Field(
        description="the channel of most inbound contacts in the last 90 days")
    consents: list[CardConsentOut]
    flags: CardFlagsOut
