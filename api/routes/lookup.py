"""Caller ID / e-mail lookup: for CTI and agents, and for auditors finding whom a request is about."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from api.access import allow
from api.dependencies import get_container
from contact_center.bootstrap import Container
from contact_center.lookup import LookupService, Match
from contact_center.roles import READERS

router = APIRouter(prefix="/api/v1", tags=["read models"], dependencies=[allow(*READERS)])


class CandidateOut(BaseModel):
    id: UUID
    display_name: str | None = Field(description="from the screen-pop card; null until projected")


class LookupOut(BaseModel):
    match: Match
    normalised: str | None
    candidates: list[UUID]
    candidates_detail: list[CandidateOut] = Field(default_factory=list,
                                                  description="the candidates, in order, with names")


def lookups(container: Annotated[Container, Depends(get_container)]) -> LookupService:
    return container.lookup


@router.get("/lookup", response_model=LookupOut)
def lookup(
    service: Annotated[LookupService, Depends(lookups)],
    phone: Annotated[str | None, Query(max_length=64)] = None,
    email: Annotated[str | None, Query(max_length=320)] = None,
    min_position: Annotated[int | None, Query(ge=0, description="wait until this write is applied")] = None,
) -> LookupOut:
    """Match a caller ID or e-mail address: `none`, `single`, `multiple` or `withheld`."""
    result = service.lookup(phone=phone, email=email, min_position=min_position)
    detail = [CandidateOut(id=cid, display_name=result.display_names.get(cid))
              for cid in result.customer_ids]
    return LookupOut(match=result.match, normalised=result.normalised, candidates=result.customer_ids,
                     candidates_detail=detail)
