"""The one eventsourcing application: every aggregate, one event table, one notification log."""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.application import Application

from domain.agent import Agent
from domain.case import Case
from domain.customer import Customer
from domain.interaction import Interaction


class SwitchboardApplication(Application[UUID]):
    name = "switchboard"
    # Long-lived aggregates (a customer over years, a busy agent) are snapshotted so
    # loading stays fast; interactions and cases are short and need none.
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {
        Customer: 50, Agent: 100, Case: 50, Interaction: 50,
    }
