"""The event store's notification log as the records the relay publishes, for rebuilds.

A projection rebuilt from here sees byte for byte what it would read from Kafka: the same
CloudEvents envelope (:class:`adapters.cloudevents_envelope.CloudEventsEnvelope`), personal
fields still sealed, in notification-log order. Ids become visible in the order they were
issued (see :mod:`adapters.relay_store`), so reading on from a position never skips one.
"""

from __future__ import annotations

from collections.abc import Sequence

from eventsourcing.persistence import ApplicationRecorder

from adapters.cloudevents_envelope import CloudEventsEnvelope


class StoredEventRecords:
    def __init__(self, recorder: ApplicationRecorder, envelope: CloudEventsEnvelope) -> None:
        self.recorder = recorder
        self.envelope = envelope

    def latest(self) -> int:
        return self.recorder.max_notification_id() or 0

    def read_after(self, position: int, limit: int) -> Sequence[tuple[int, bytes]]:
        notifications = self.recorder.select_notifications(position, limit, inclusive_of_start=False)
        return [(n.id, self.envelope.record(n).value) for n in notifications]
