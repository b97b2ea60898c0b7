"""A leaderboard as it stood at an instant, replayed from the event store for auditors.

The read models are no witness of the past (names and teams change, point history is pruned
past its retention), so the board is computed again from the record: the stored events of
the kinds the gamification projection handles, read in log order up to the log's head as
it stood when asked, those that had occurred by ``as_of`` decoded as the relay and the
projections see them (the CloudEvents record, personal fields opened), and applied by the
projection's own handlers with the configured rules into temporary tables of one
transaction, which is rolled back at the end. The standings of the day, week or month
containing ``as_of`` (in the rules' time zone) are then read and ranked by the same code as
the live board's. The log is read in pages, so memory does not grow with its length.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import uuid4

from eventsourcing.utils import get_topic

from adapters.cloudevents_envelope import CloudEventsEnvelope
from adapters.event_store import SwitchboardRecorder
from adapters.projected_events import EventDecoder
from contact_center.board_versions import ServedBoard
from contact_center.leaderboard_views import AgentAliases, Period, Viewer, span
from contact_center.leaderboards import Leaderboard, ranked
from domain.errors import InvalidValue
from domain.events import all_event_classes, event_type_name
from projections import gamification_queries as q
from projections.base import ProjectedEvent, Tx
from projections.gamification import GamificationProjection

PAGE = 500
AUDITOR = Viewer(admin=True)  # an audit names every agent; the read itself is logged


class Scratch(Protocol):
    def session(self) -> AbstractContextManager[Tx]:
        """A transaction over throw-away tables."""


@dataclass(frozen=True)
class ReplayedLeaderboard:
    board: Leaderboard
    as_of: datetime
    head: int  # the last log position the replay covered
    applied: int  # events that had occurred by as_of and were given to the rules


class LeaderboardReplay:
    def __init__(self, recorder: SwitchboardRecorder, envelope: CloudEventsEnvelope, decoder: EventDecoder,
                 projection: GamificationProjection, aliases: AgentAliases, scratch: Scratch) -> None:
        self.recorder = recorder
        self.envelope = envelope
        self.transcoder = envelope.transcoder
        self.decoder = decoder
        self.projection = projection  # the configured rules; replays apply them beside it
        self.aliases = aliases
        self.scratch = scratch
        kinds = set(projection.handlers())
        self.topics = sorted({get_topic(cls) for cls in all_event_classes()
                              if event_type_name(cls).rsplit(".v", 1)[0] in kinds})

    def leaderboard(self, period: Period, as_of: datetime, team: str | None = None) -> ReplayedLeaderboard:
        if as_of.utcoffset() is None:
            raise InvalidValue("as_of needs a UTC offset, e.g. 2024-03-04T12:00:00+01:00", field="as_of")
        head = self.recorder.max_notification_id() or 0
        projection = self.projection.beside(f"asof_{uuid4().hex[:12]}")
        window = span(period, as_of, projection.zone)
        applied = 0
        with self.scratch.session() as tx:
            for statement in projection.tables:
                tx.execute(statement)
            for page in self.pages(head, as_of):
                for event in page:
                    projection.apply(tx, event)
                applied += len(page)
            rows = q.standings(tx, projection.t, window.first, window.end, window.ends_at)
        agents, teams = ranked(rows, team, AUDITOR, self.aliases)
        version = q.BoardVersion(self.projection.full_name, projection.rules.version,
                                 projection.rules.fingerprint(projection.time_zone), projection.time_zone,
                                 projection.rules_text)
        board = Leaderboard(ServedBoard(version, projection.rules, caught_up=True), window, agents, teams)
        return ReplayedLeaderboard(board, as_of, head, applied)

    def pages(self, head: int, as_of: datetime) -> Iterator[list[ProjectedEvent]]:
        """The events the rules read that had occurred by ``as_of``, a page at a time, in log
        order. Times are not ordered in the log (imports carry their own), so every page up
        to the head is read."""
        position = 0
        while position < head:
            page = self.recorder.select_notifications(position, PAGE, stop=head, topics=self.topics,
                                                      inclusive_of_start=False)
            if not page:
                return
            decoded = ((n, self.transcoder.decode(n.state)) for n in page)
            due = [self.envelope.record(n, state).value for n, state in decoded
                   if state["occurred_at"] <= as_of]
            if due:
                yield self.decoder.decode_many(due)
            position = page[-1].id
