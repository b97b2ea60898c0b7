"""Case invariants: the status machine, assignment, escalation, CSAT, SLA."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TypedDict
from uuid import uuid4

import pytest

from domain.case import Case
from domain.case_values import CaseKind, CaseStatus, Priority
from domain.errors import AlreadyPresent, InvalidTransition, InvalidValue
from domain.sla import CaseSla, SlaPolicy, SlaState

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
AGENT = uuid4()


class Stamp(TypedDict):
    actor: str
    occurred_at: datetime


def at(minutes: float) -> Stamp:
    return {"actor": "agent-7", "occurred_at": minute(minutes)}


def minute(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def open_case(first_response_minutes: int = 60, resolution_minutes: int = 600) -> Case:
    return Case.open(
        id=uuid4(),
        kind=CaseKind.COMPLAINT,
        category="billing",
        priority=Priority.HIGH,
        summary="Charged twice",
        customer_id=uuid4(),
        sla=SlaPolicy(first_response_minutes, resolution_minutes),
        **at(0),
    )


def resolved_case() -> Case:
    case = open_case()
    case.resolve("refunded", first_contact_resolution=True, **at(30))
    return case


def test_a_case_opens_with_deadlines_from_its_opening() -> None:
    case = open_case()
    assert case.status is CaseStatus.OPEN
    assert case.first_response_due == minute(60)
    assert case.resolution_due == minute(600)


def test_sla_policy_must_make_sense() -> None:
    with pytest.raises(InvalidValue) as raised:
        open_case(first_response_minutes=0)
    assert raised.value.field == "first_response_minutes"
    with pytest.raises(InvalidValue) as raised:
        open_case(first_response_minutes=60, resolution_minutes=30)
    assert raised.value.field == "resolution_minutes"


def test_a_closed_case_cannot_be_assigned() -> None:
    case = resolved_case()
    case.close(**at(40))
    with pytest.raises(InvalidTransition):
        case.assign(AGENT, **at(50))


def test_assignment_changes_the_assignee_once() -> None:
    case = open_case()
    case.assign(AGENT, **at(1))
    with pytest.raises(AlreadyPresent):
        case.assign(AGENT, **at(2))
    other = uuid4()
    case.assign(other, **at(3))
    event = case.collect_events()[-1]
    assert isinstance(event, Case.Assigned)
    assert (event.agent_id, event.previous_agent_id) == (other, AGENT)


def test_a_case_waits_while_pending() -> None:
    case = open_case()
    case.mark_pending("waiting for the bank", **at(5))
    assert case.status is CaseStatus.PENDING
    with pytest.raises(InvalidTransition):
        case.mark_pending("again", **at(6))


def test_a_pending_case_resumes() -> None:
    case = open_case()
    case.mark_pending("waiting for the bank", **at(5))
    case.resume(**at(7))
    assert case.status is CaseStatus.OPEN
    with pytest.raises(InvalidTransition):
        case.resume(**at(8))


def test_resolve_close_reopen() -> None:
    case = open_case()
    with pytest.raises(InvalidTransition):
        case.close(**at(1))
    case.resolve("refunded", first_contact_resolution=True, **at(30))
    assert (case.resolution_code, case.first_contact_resolution) == ("refunded", True)
    with pytest.raises(InvalidTransition):
        case.resolve("again", first_contact_resolution=False, **at(31))
    case.close(**at(40))
    assert case.closed_at == minute(40)
    case.reopen("refund never arrived", **at(50))
    assert case.status is CaseStatus.OPEN
    assert case.resolved_at is None
    assert case.resolution_code is None
    assert case.reopen_count == 1
    with pytest.raises(InvalidTransition):
        case.reopen("not resolved", **at(51))


def test_satisfaction_only_after_resolution_once_per_resolution() -> None:
    with pytest.raises(InvalidTransition):
        open_case().record_satisfaction(5, **at(1))
    case = resolved_case()
    for score in (0, 6, True):
        with pytest.raises(InvalidValue):
            case.record_satisfaction(score, **at(31))
    case.record_satisfaction(2, **at(31))
    with pytest.raises(InvalidTransition):
        case.record_satisfaction(3, **at(32))
    case.reopen("still broken", **at(33))
    case.resolve("fixed", first_contact_resolution=False, **at(40))
    case.record_satisfaction(5, **at(41))
    assert case.satisfaction_score == 5


def test_escalation_only_goes_up_on_a_live_case() -> None:
    case = open_case()
    with pytest.raises(InvalidValue):
        case.escalate(0, "why", **at(1))
    case.escalate(1, "angry", **at(1))
    with pytest.raises(InvalidTransition):
        case.escalate(1, "angrier", **at(2))
    case.escalate(3, "threatens to leave", **at(2))
    assert case.escalation_level == 3
    with pytest.raises(InvalidTransition):
        resolved_case().escalate(1, "late", **at(40))


def test_first_response_is_recorded_once() -> None:
    case = open_case()
    case.record_first_response(uuid4(), **at(10))
    assert case.first_responded_at == minute(10)
    with pytest.raises(InvalidTransition):
        case.record_first_response(**at(11))


@pytest.mark.parametrize(
    ("now", "state"),
    [(0, SlaState.OK), (47, SlaState.OK), (48, SlaState.AT_RISK), (60, SlaState.AT_RISK)],
)
def test_running_response_deadline(now: float, state: SlaState) -> None:
    assert open_case().response_sla_state(minute(now)) is state


def test_missed_response_deadline_is_breached() -> None:
    assert open_case().response_sla_state(minute(60.01)) is SlaState.BREACHED


def test_deadlines_met_in_time_stay_met() -> None:
    case = open_case()
    case.record_first_response(**at(59))
    case.resolve("fixed", first_contact_resolution=True, **at(600))
    assert case.sla_state(minute(10_000)) == CaseSla(SlaState.MET, SlaState.MET)


def test_deadlines_met_late_stay_breached() -> None:
    case = open_case()
    case.record_first_response(**at(61))
    assert case.sla_state(minute(62)) == CaseSla(SlaState.BREACHED, SlaState.OK)
    case.resolve("fixed", first_contact_resolution=False, **at(601))
    assert case.resolution_sla_state(minute(602)) is SlaState.BREACHED


def test_a_resolution_counts_as_the_first_response() -> None:
    case = resolved_case()
    assert case.response_sla_state(minute(1_000)) is SlaState.MET


def test_reopening_restarts_the_resolution_clock_against_the_old_deadline() -> None:
    case = resolved_case()
    case.reopen("still broken", **at(100))
    assert case.resolution_sla_state(minute(599)) is SlaState.AT_RISK
    assert case.resolution_sla_state(minute(601)) is SlaState.BREACHED


def test_sla_now_must_be_timezone_aware() -> None:
    with pytest.raises(InvalidValue) as raised:
        open_case().sla_state(datetime(2024, 3, 1, 9, 30))
    assert raised.value.field == "now"


def test_notes_are_kept_in_order() -> None:
    case = resolved_case()
    case.add_note("first", **at(1))
    case.add_note("second", **at(2))
    assert case.notes == ["first", "second"]
    with pytest.raises(InvalidValue):
        case.add_note("  ", **at(3))
