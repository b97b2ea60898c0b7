"""Service-level targets of a case and how a deadline stands at a moment.

Pure: the moment ``now`` is an argument.  The clock is not paused while a
case is pending, and a reopened case is measured against its original
deadlines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.errors import InvalidValue

# A running deadline is at risk once less than this share of its window is left.
AT_RISK_FRACTION = 0.2


class SlaState(StrEnum):
    OK = "ok"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    MET = "met"


@dataclass(frozen=True)
class SlaPolicy:
    """Minutes from opening until the first response and until resolution."""

    first_response_minutes: int
    resolution_minutes: int

    def checked(self) -> SlaPolicy:
        """Return this policy if its targets make sense, else raise InvalidValue."""
        if self.first_response_minutes <= 0:
            raise InvalidValue(
                "first response target must be positive", field="first_response_minutes"
            )
        if self.resolution_minutes < self.first_response_minutes:
            raise InvalidValue(
                "resolution target must not precede the first response target",
                field="resolution_minutes",
            )
        return self

    def first_response_due(self, opened_at: datetime) -> datetime:
        return opened_at + timedelta(minutes=self.first_response_minutes)

    def resolution_due(self, opened_at: datetime) -> datetime:
        return opened_at + timedelta(minutes=self.resolution_minutes)


@dataclass(frozen=True)
class CaseSla:
    response: SlaState
    resolution: SlaState


def deadline_state(
    started_at: datetime, due: datetime, done_at: datetime | None, now: datetime
) -> SlaState:
    """How one deadline stands: met or breached once done, else ok or at risk."""
    if done_at is not None:
        return SlaState.MET if done_at <= due else SlaState.BREACHED
    if now > due:
        return SlaState.BREACHED
    if due - now <= (due - started_at) * AT_RISK_FRACTION:
        return SlaState.AT_RISK
    return SlaState.OK
