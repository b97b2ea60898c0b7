"""Records every audit read in an :class:`~domain.access_log.AccessLog`, before it is answered.

A read whose record cannot be stored fails (:class:`AuditReadNotRecorded`, caused by the
error that prevented it): an audit read must never happen unrecorded. Reads of one subject
at the same moment race for the log's next version; each loser reloads and appends again,
so N concurrent readers need at most N attempts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID, uuid5

from eventsourcing.persistence import PersistenceError

from adapters.clock import Clock
from contact_center.commands import CommandContext, CommandRunner, WriteResult
from contact_center.errors import AuditReadNotRecorded, NotFound, VersionConflict
from domain.access_log import AccessLog
from domain.access_log_events import RecordViewed

ACCESS_LOG_NAMESPACE = UUID("5e0d8a8c-2b7f-4c55-9a3e-61f4d2c9b710")
ATTEMPTS = 10


def access_log_id(subject_id: UUID | None, day: date) -> UUID:
    """The log of one subject; reads about no single subject share one log per UTC day."""
    name = f"subject:{subject_id}" if subject_id is not None else f"day:{day.isoformat()}"
    return uuid5(ACCESS_LOG_NAMESPACE, name)


@dataclass(frozen=True)
class AuditRead:
    """One audit read: who, what (``customer``, ``customer_history``, ``export`` …), of whom,
    and the query that selected it."""

    viewer: str
    what: str
    subject_id: UUID | None
    query: Mapping[str, str] = field(default_factory=dict)


class AccessLogService:
    def __init__(self, runner: CommandRunner, clock: Clock) -> None:
        self.runner = runner
        self.clock = clock

    def record(self, read: AuditRead) -> WriteResult:
        """Store the read, or raise :class:`AuditReadNotRecorded`."""
        for _ in range(ATTEMPTS):
            try:
                return self._append(read)
            except VersionConflict:
                continue
            except PersistenceError as error:
                raise AuditReadNotRecorded("the access log could not record this read, so it is "
                                           "not answered") from error
        raise AuditReadNotRecorded(f"the access log of {read.subject_id} stayed contended "
                                   f"for {ATTEMPTS} attempts")

    def _append(self, read: AuditRead) -> WriteResult:
        now = self.clock.now()
        log_id = access_log_id(read.subject_id, now.date())

        def work() -> list[AccessLog]:
            try:
                log = self.runner.load(AccessLog, log_id)
            except NotFound:
                log = AccessLog.open(id=log_id, subject_id=read.subject_id, actor=read.viewer,
                                     occurred_at=now)
            log.record_view(viewer=read.viewer, what=read.what, query=read.query,
                            actor=read.viewer, occurred_at=now)
            return [log]

        return self.runner.run(CommandContext(actor=read.viewer), "access_log.record", None, work)

    def views_on(self, day: date) -> list[RecordViewed]:
        """The reads of that UTC day about no single subject (exports of a time range,
        leaderboards), oldest first."""
        return self._views(access_log_id(None, day))

    def views_of(self, subject_id: UUID) -> list[RecordViewed]:
        """Every recorded read of the subject, oldest first."""
        return self._views(access_log_id(subject_id, self.clock.now().date()))

    def _views(self, log_id: UUID) -> list[RecordViewed]:
        return [e for e in self.runner.app.events.get(log_id) if isinstance(e, RecordViewed)]
