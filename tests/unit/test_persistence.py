"""Every aggregate survives eventsourcing's default JSON event store, with
and without snapshots: the events and states are serialisable as they are."""

from __future__ import annotations

from uuid import UUID

import pytest
from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder

from domain.access_log import AccessLog
from domain.agent import Agent
from domain.case import Case
from domain.customer import Customer
from domain.events import SwitchboardAggregate
from domain.interaction import Interaction
from domain.snapshots import SwitchboardSnapshot
from domain.transcodings import register_transcodings
from tests.unit.tours import all_toured


class _App(Application[UUID]):
    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_transcodings(transcoder)


@pytest.mark.parametrize("app_class", [Application, _App])
def test_every_aggregate_round_trips_through_the_default_event_store(
    app_class: type[Application[UUID]],
) -> None:
    app = app_class()
    for aggregate in all_toured():
        app.save(aggregate)
        reloaded: SwitchboardAggregate = app.repository.get(aggregate.id)
        assert reloaded == aggregate
        # repr tells an enum from its string value and a tuple from a list.
        assert repr(reloaded) == repr(aggregate)


class _SnapshottingApp(Application[UUID]):
    snapshotting_intervals = {Customer: 1, Interaction: 1, Case: 1, Agent: 1, AccessLog: 1}


def test_every_aggregate_round_trips_through_a_snapshot() -> None:
    app = _SnapshottingApp()
    for aggregate in all_toured():
        app.save(aggregate)
        assert app.snapshots is not None
        # Each snapshot was built from the one before plus one event.
        last = list(app.snapshots.get(aggregate.id, desc=True, limit=1))[0]
        assert isinstance(last, SwitchboardSnapshot)
        assert last.originator_version == aggregate.version
        assert last.timestamp == aggregate.modified_on
        reloaded: SwitchboardAggregate = app.repository.get(aggregate.id)
        assert reloaded == aggregate
        assert repr(reloaded) == repr(aggregate)
