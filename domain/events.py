"""The event contract every Switchboard aggregate keeps.

Every event carries ``actor`` (who caused it), ``occurred_at`` (tz-aware UTC;
also used as the library's ``timestamp``) and ``customer_id`` (the data
subject, or ``None``).  :class:`SwitchboardAggregate` fills ``customer_id`` in
from :meth:`SwitchboardAggregate._data_subject` so command methods never pass
it by hand, except where the event itself changes the subject (linking).

Every event class declares ``personal_fields``: the attributes that hold
personal data and get encrypted per customer (crypto-shredding).

Aggregate ids are never generated here: creation class methods take ``id``.

Pattern used by every aggregate: a public command checks the rules, then calls
a private applier (``_on_<event>``) that the aggregate class has bound to its
event class with ``event(EventClass)(applier)``.  Calling the applier triggers
the event; the applier's body evolves the state, now and on every replay.  So
an applier's parameters are exactly the event's payload plus ``actor`` and
``occurred_at``, and appliers never check rules.  Payload classes live in
``domain/<aggregate>_events.py``; ``Customer.IdentityAdded`` and the like are
the library's subclasses of them (use the payload classes in type hints).
Payloads are JSON-native apart from UUIDs and datetimes; snapshots are
handled by :class:`domain.snapshots.SwitchboardSnapshot`.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, ClassVar, Self
from uuid import UUID

from eventsourcing.domain import Aggregate, CanInitAggregate, CanMutateAggregate

from domain.snapshots import SwitchboardSnapshot
from domain.validation import require_storable, require_text, require_utc

ERASED = "[erased]"
"""What a personal text field reads as once its key was destroyed (crypto-shredding)."""

_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


class SwitchboardAggregate(Aggregate):
    """Base of every aggregate: stamps the event contract on each event."""

    class_version = 1

    class Event(Aggregate.Event):
        """Base of every event: who caused it, when, and whose data it is."""

        class_version = 1
        personal_fields: ClassVar[frozenset[str]] = frozenset()
        actor: str
        occurred_at: datetime
        customer_id: UUID | None

    class Created(Event, Aggregate.Created):
        """Base of every creation event."""

        class_version = 1

    Snapshot = SwitchboardSnapshot

    @staticmethod
    def create_id(*_: Any, **__: Any) -> UUID:
        # Ids come from the application layer: the domain draws no random numbers.
        raise NotImplementedError

    @classmethod
    def _create_with(
        cls,
        event_class: type[CanInitAggregate[UUID]],
        *,
        id: UUID,
        actor: str,
        occurred_at: datetime,
        customer_id: UUID | None,
        **fields: Any,
    ) -> Self:
        """Create the aggregate from its creation event, stamped like any other."""
        at = require_utc(occurred_at)
        for name, value in fields.items():
            require_storable(value, name)
        return cls._create(
            event_class,
            id=id,
            actor=require_text(actor, "actor"),
            occurred_at=at,
            timestamp=at,
            customer_id=customer_id,
            **fields,
        )

    def trigger_event(self, event_class: type[CanMutateAggregate[UUID]], **kwargs: Any) -> None:
        """Every event passes here (creation ones through :meth:`_create_with`): no text of
        any event may hold what cannot be stored (:func:`~domain.validation.require_storable`)."""
        at = require_utc(kwargs["occurred_at"])
        for name, value in kwargs.items():
            require_storable(value, name)
        kwargs.update(
            occurred_at=at,
            timestamp=at,
            actor=require_text(kwargs["actor"], "actor"),
        )
        kwargs.setdefault("customer_id", self._data_subject())
        super().trigger_event(event_class, **kwargs)

    def _data_subject(self) -> UUID | None:
        """The customer whose data this aggregate's events are about."""
        return None


def personal_fields_of(event_class: type[object]) -> frozenset[str]:
    """Names of the attributes of ``event_class`` that hold personal data."""
    if not issubclass(event_class, SwitchboardAggregate.Event):
        # Fail closed: an unknown class must not pass as "no personal data".
        raise TypeError(f"{event_class!r} is not a Switchboard event class")
    return event_class.personal_fields


def event_type_name(event_class: type[object]) -> str:
    """CloudEvents ``type``, e.g. ``switchboard.interaction.call_answered.v1``."""
    aggregate_path, _, event_name = event_class.__qualname__.rpartition(".")
    if not aggregate_path:
        raise ValueError(f"{event_class.__qualname__} is not nested in an aggregate")
    aggregate_name = aggregate_path.rpartition(".")[2]
    version = getattr(event_class, "class_version", 1)
    return f"switchboard.{_snake(aggregate_name)}.{_snake(event_name)}.v{version}"


def event_classes_of(
    aggregate_class: type[SwitchboardAggregate],
) -> list[type[SwitchboardAggregate.Event]]:
    """The concrete event classes of one aggregate, in definition order."""
    return [
        value
        for name, value in vars(aggregate_class).items()
        if isinstance(value, type)
        and issubclass(value, SwitchboardAggregate.Event)
        and name not in ("Event", "Created")
    ]


def all_event_classes() -> list[type[SwitchboardAggregate.Event]]:
    """Every concrete event class of every aggregate (for docs and tests)."""
    # Imported here: the aggregate modules import this one.
    from domain.access_log import AccessLog
    from domain.agent import Agent
    from domain.case import Case
    from domain.customer import Customer
    from domain.interaction import Interaction

    aggregates: tuple[type[SwitchboardAggregate], ...] = (
        Customer,
        Interaction,
        Case,
        Agent,
        AccessLog,
    )
    return [cls for aggregate in aggregates for cls in event_classes_of(aggregate)]


def _snake(name: str) -> str:
    return _WORD_BOUNDARY.sub("_", name).lower()
