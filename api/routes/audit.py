"""Audit reads (auditors and admins): aggregates and leaderboards as of a point in time, a
customer's history with what each event changed, JSON Lines exports, and the access log of a
subject.

Every read is recorded in the access log before it is answered; when that record cannot be
stored, the read fails and nothing is returned.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from datetime import date, datetime
from typing import Annotated, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate
from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import StreamingResponse

from api.access import CurrentUser, allow
from api.dependencies import get_container
from api.moments import InCalendar
from api.routes.agents import agent_public
from api.routes.cases import case_public
from api.routes.customers import customer_public
from api.routes.interactions import interaction_public
from api.routes.leaderboards import leaderboard_out
from api.schemas.audit import (
    AccessLogDayOut,
    AccessLogEntryOut,
    AccessLogOut,
    AgentAsOf,
    CaseAsOf,
    CustomerAsOf,
    HistoryEntryOut,
    HistoryPageOut,
    InteractionAsOf,
    LeaderboardAsOf,
)
from contact_center.access_log import AuditRead
from contact_center.audit_history import MAX_PAGE
from contact_center.audit_replay import PointInTime, Replayed
from contact_center.audit_services import AuditServices
from contact_center.bootstrap import Container
from contact_center.leaderboard_views import Period
from contact_center.roles import Role
from domain.access_log_events import RecordViewed
from domain.agent import Agent
from domain.case import Case
from domain.customer import Customer
from domain.interaction import Interaction

NDJSON = "application/x-ndjson"
router = APIRouter(prefix="/api/v1/audit", tags=["audit"], dependencies=[allow(Role.AUDITOR, Role.ADMIN)])
A = TypeVar("A", bound=Aggregate)


def audit_services(container: Annotated[Container, Depends(get_container)]) -> AuditServices:
    return container.audit


Audit = Annotated[AuditServices, Depends(audit_services)]


def reader(principal: CurrentUser) -> str:
    """Who reads, as the access log names them."""
    return principal.actor


Viewer = Annotated[str, Depends(reader)]


def point_in_time(
    as_of: Annotated[datetime | None, InCalendar,
                     Query(description="RFC 3339 instant, with its offset")] = None,
    version: Annotated[int | None, Query(ge=1, description="aggregate version")] = None,
) -> PointInTime:
    try:
        return PointInTime(as_of, version)
    except ValueError as error:
        raise HTTPException(422, f"{error}: pass as_of (RFC 3339) or version") from error


At = Annotated[PointInTime, Depends(point_in_time)]


def replayed(audit: AuditServices, viewer: str, kind: type[A], subject_id: UUID,
             at: PointInTime) -> Replayed[A]:
    found = audit.replay.state_at(kind, subject_id, at)
    audit.access_log.record(AuditRead(viewer, kind.__name__.lower(), subject_id, at.query()))
    return found


@router.get("/customers/{customer_id}", response_model=CustomerAsOf)
def customer_as_of(customer_id: UUID, at: At, viewer: Viewer, audit: Audit) -> CustomerAsOf:
    """The customer as it stood at ``as_of`` or ``version``, rebuilt from its events."""
    found = replayed(audit, viewer, Customer, customer_id, at)
    public = customer_public(found.aggregate).model_dump()
    return CustomerAsOf.model_validate({**public, "as_of": found.as_of})


@router.get("/cases/{case_id}", response_model=CaseAsOf)
def case_as_of(case_id: UUID, at: At, viewer: Viewer, audit: Audit) -> CaseAsOf:
    """The case as it stood at ``as_of`` or ``version``, its SLA measured at that instant."""
    found = replayed(audit, viewer, Case, case_id, at)
    public = case_public(found.aggregate, found.aggregate.sla_state(found.as_of)).model_dump()
    return CaseAsOf.model_validate({**public, "as_of": found.as_of})


@router.get("/agents/{agent_id}", response_model=AgentAsOf)
def agent_as_of(agent_id: UUID, at: At, viewer: Viewer, audit: Audit) -> AgentAsOf:
    found = replayed(audit, viewer, Agent, agent_id, at)
    return AgentAsOf.model_validate({**agent_public(found.aggregate).model_dump(), "as_of": found.as_of})


@router.get("/interactions/{interaction_id}", response_model=InteractionAsOf)
def interaction_as_of(interaction_id: UUID, at: At, viewer: Viewer, audit: Audit) -> InteractionAsOf:
    found = replayed(audit, viewer, Interaction, interaction_id, at)
    public = interaction_public(found.aggregate).model_dump()
    return InteractionAsOf.model_validate({**public, "as_of": found.as_of})


@router.get("/leaderboards", response_model=LeaderboardAsOf)
def leaderboard_as_of(
    viewer: Viewer, audit: Audit,
    as_of: Annotated[datetime, InCalendar, Query(description="RFC 3339 instant, with its offset")],
    period: Period = Period.DAY,
    team: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
) -> LeaderboardAsOf:
    """The leaderboard of the day, week or month containing ``as_of`` as it stood then: the
    gamification rules replayed over the stored events that had occurred by that instant."""
    found = audit.leaderboards.leaderboard(period, as_of, team)
    query = {"period": period.value, "as_of": as_of.isoformat(), **({"team": team} if team else {})}
    audit.access_log.record(AuditRead(viewer, "leaderboard", None, query))
    return LeaderboardAsOf.model_validate({**leaderboard_out(found.board).model_dump(), "as_of": as_of,
                                           "position": found.head, "events_applied": found.applied})


@router.get("/customers/{customer_id}/history", response_model=HistoryPageOut)
def customer_history(
    customer_id: UUID, viewer: Viewer, audit: Audit,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
    cursor: Annotated[int, Query(ge=0, description="`next_cursor` of the page before")] = 0,
) -> HistoryPageOut:
    """Every event of the customer and of every aggregate that held its data, in log order,
    with who, when, on which channel, and the state fields each one changed."""
    page = audit.history.page(customer_id, cursor, limit)
    query = {"limit": str(limit), "cursor": str(cursor)}
    audit.access_log.record(AuditRead(viewer, "customer_history", customer_id, query))
    items = [HistoryEntryOut.model_validate(asdict(entry)) for entry in page.entries]
    return HistoryPageOut(customer_id=customer_id, items=items, next_cursor=page.next_cursor)


@router.get("/export", response_class=StreamingResponse,
            responses={200: {"content": {NDJSON: {}}, "description": "one CloudEvents record a line"}})
def export_events(
    viewer: Viewer, audit: Audit,
    customer: UUID | None = None,
    start: Annotated[datetime | None, InCalendar,
                     Query(alias="from", description="RFC 3339, inclusive")] = None,
    end: Annotated[datetime | None, InCalendar, Query(alias="to", description="RFC 3339, exclusive")] = None,
    decrypted: Annotated[bool, Query(description="open the personal fields")] = False,
) -> StreamingResponse:
    """Stored events as JSON Lines, each line the CloudEvents record Kafka carries for it:
    one customer's (``customer``) or a time range's (``from`` and ``to``)."""
    try:
        if customer is not None and start is None and end is None:
            scope = audit.export.of_customer(customer, decrypted)
        elif customer is None and start is not None and end is not None:
            scope = audit.export.of_period(start, end, decrypted)
        else:
            raise HTTPException(422, "pass either customer, or both from and to")
    except ValueError as error:
        raise HTTPException(422, str(error)) from error
    audit.access_log.record(AuditRead(viewer, "export", customer, scope.query()))
    return StreamingResponse(blocks(audit.export.lines(scope)), media_type=NDJSON)


def blocks(lines: Iterator[bytes], size: int = 64 * 1024) -> Iterator[bytes]:
    """Lines gathered into blocks of about ``size`` bytes: the server fetches each item of a
    synchronous iterator through a worker thread, which costs more than a line takes to make."""
    block: list[bytes] = []
    length = 0
    for line in lines:
        block.append(line)
        length += len(line)
        if length >= size:
            yield b"".join(block)
            block, length = [], 0
    if block:
        yield b"".join(block)


@router.get("/access-log/{subject_id}", response_model=AccessLogOut)
def access_log(subject_id: UUID, viewer: Viewer, audit: Audit) -> AccessLogOut:
    """Who read the audit record of this customer, case, agent or interaction, and how."""
    views = audit.access_log.views_of(subject_id)
    audit.access_log.record(AuditRead(viewer, "access_log", subject_id))
    return AccessLogOut(subject_id=subject_id, entries=_entries(views))


@router.get("/access-log", response_model=AccessLogDayOut)
def access_log_of_day(day: Annotated[date, Query(description="a UTC day, e.g. 2026-11-30")],
                      viewer: Viewer, audit: Audit) -> AccessLogDayOut:
    """The reads of a UTC day about no single subject: exports of a time range (which may hold
    any customer's data), leaderboards."""
    views = audit.access_log.views_on(day)
    audit.access_log.record(AuditRead(viewer, "access_log", None, {"day": day.isoformat()}))
    return AccessLogDayOut(day=day, entries=_entries(views))


def _entries(views: list[RecordViewed]) -> list[AccessLogEntryOut]:
    return [AccessLogEntryOut(viewer=v.viewer, what=v.what, subject_id=v.subject_id, query=v.query,
                              occurred_at=v.occurred_at) for v in views]
