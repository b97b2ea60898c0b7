"""The one eventsourcing application: every aggregate, one event table, one notification log."""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.persistence import Mapper, Recording

from adapters.data_keys import DataKeyStore
from adapters.personal_data_mapper import PersonalDataMapper
from domain.access_log import AccessLog
from domain.agent import Agent
from domain.customer import Customer
from domain.events import personal_fields_of
from domain.snapshots import SwitchboardSnapshot


class SwitchboardApplication(Application[UUID]):
    name = "switchboard"
    # Customers live for years and busy agents collect many events: snapshot them so loading
    # stays fast, and so do the access logs of often-audited subjects. Interactions and cases
    # are short and need none.
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {Customer: 50, Agent: 100, AccessLog: 100}

    def __init__(self, env: dict[str, str], data_keys: DataKeyStore | None) -> None:
        """With ``data_keys`` personal fields are stored encrypted per subject; without,
        in plain text (only for measuring the cost of encryption)."""
        self.data_keys = data_keys
        super().__init__(env=env)

    def construct_mapper(self) -> Mapper[UUID]:
        plain = super().construct_mapper()
        if self.data_keys is None:
            return plain
        return PersonalDataMapper(plain.transcoder, self.data_keys, personal_fields_of,
                                  SwitchboardSnapshot)

    def _record(self, processing_event: ProcessingEvent[UUID]) -> list[Recording[UUID]]:
        if isinstance(self.mapper, PersonalDataMapper):
            events = list(processing_event.events)
            self.mapper.prepare(events)
            processing_event.saved_kwargs["key_owners"] = self.mapper.key_owners(events)
            processing_event.saved_kwargs["subject_links"] = self.mapper.subject_links(events)
        recordings = super()._record(processing_event)
        erased = processing_event.saved_kwargs.get("erase_subject")
        if erased is not None and self.data_keys is not None:
            self.data_keys.clear_cache()
        return recordings
