"""Request and response bodies of the customer endpoints (never events or aggregates)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator

from domain.consent import ConsentChannel, ConsentPurpose
from domain.customer_details import CustomerKind, CustomerStatus
from domain.identity import IdentityKind


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AddressIn(Strict):
    street: str = Field(max_length=200)
    postal_code: str = Field(max_length=20)
    city: str = Field(max_length=100)
    country: str = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2")


class CustomerDetailsIn(Strict):
    display_name: str = Field(min_length=1, max_length=200)
    given_name: str | None = Field(default=None, max_length=100)
    family_name: str | None = Field(default=None, max_length=100)
    organisation_name: str | None = Field(default=None, max_length=200)
    birth_date: date | None = Field(default=None, description="YYYY-MM-DD")
    address: AddressIn | None = None

    @field_validator("birth_date", mode="before")
    @classmethod
    def written_date(cls, value: Any) -> Any:
        """A date as text: a number would be taken as seconds since 1970."""
        if value is not None and not isinstance(value, str | date):
            raise ValueError("a birth date is written YYYY-MM-DD")
        return value


class IdentityIn(Strict):
    kind: IdentityKind
    value: str = Field(min_length=1, max_length=320)
    scope: str = Field(default="", max_length=50, description="social network or external system")


class CustomerCreate(CustomerDetailsIn):
    kind: CustomerKind = CustomerKind.PERSON
    identities: list[IdentityIn] = Field(default_factory=list, max_length=50)


class ConsentIn(Strict):
    channel: ConsentChannel
    purpose: ConsentPurpose
    granted: bool = Field(strict=True, description="true or false: a consent is never guessed from text")
    source: str = Field(min_length=1, max_length=200, description="where the decision came from")


class MergeIn(Strict):
    survivor_id: UUID


class IdentityOut(BaseModel):
    kind: IdentityKind
    value: str
    scope: str


class ConsentOut(BaseModel):
    channel: ConsentChannel
    purpose: ConsentPurpose
    granted: bool
    source: str
    recorded_at: datetime


class CustomerPublic(BaseModel):
    id: UUID
    version: int
    kind: CustomerKind
    status: CustomerStatus
    display_name: str
    given_name: str | None
    family_name: str | None
    organisation_name: str | None
    birth_date: date | None
    address: AddressIn | None
    identities: list[IdentityOut]
    consents: list[ConsentOut]
    organisation_id: UUID | None
    contact_person_ids: list[UUID]
    merged_into: UUID | None
    absorbed_ids: list[UUID]
    created_at: datetime
    modified_at: datetime
