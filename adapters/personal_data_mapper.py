"""Stores the personal fields of events encrypted under their subject's data key.

Non-personal fields (ids, types, times, channels, durations, codes) stay readable for
the relay, projections and audit. A personal field's stored value is an envelope::

    {"encrypted": "aes-256-gcm", "subject": "<uuid>", "ciphertext": "<base64 nonce|ct>"}

When the subject's key has been destroyed (erasure, retention) the field decodes to
``"[erased]"`` (text) or ``None`` (anything else), so history replays with its shape intact.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any
from uuid import UUID, uuid5

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder

from adapters.data_keys import DataKeyStore
from domain.events import ERASED

ALGORITHM = "aes-256-gcm"
RETENTION_NAMESPACE = UUID("6f1d3c2e-8a4b-4f7e-9c1d-2b3a4c5d6e7f")

# Which personal fields get a key of their own, so retention can shred them separately.
RETENTION_CLASSES: dict[str, str] = {"recording_reference": "recording", "body": "message_body"}


class SubjectErased(Exception):
    """Personal data cannot be written for a subject whose key was destroyed."""


# Set by a writer that must record what happened even for an erased subject (a telephony
# system's call events, which it retries until they are taken): their personal fields are
# stored as already erased, as every read of the subject's older fields shows them.
ERASED_AT_BIRTH: ContextVar[bool] = ContextVar("erased_at_birth", default=False)


@contextmanager
def erased_at_birth() -> Iterator[None]:
    token = ERASED_AT_BIRTH.set(True)
    try:
        yield
    finally:
        ERASED_AT_BIRTH.reset(token)


@lru_cache(maxsize=8192)  # asked three times per event on a save (keys, owners, encryption)
def retention_subject(originator_id: UUID, retention_class: str) -> UUID:
    return uuid5(RETENTION_NAMESPACE, f"{originator_id}:{retention_class}")


class PersonalDataMapper(Mapper[UUID]):
    """An eventsourcing Mapper that encrypts and decrypts personal fields per subject."""

    def __init__(
        self,
        transcoder: Transcoder,
        keys: DataKeyStore,
        personal_fields_of: Callable[[type[Any]], frozenset[str]],
        snapshot_class: type[Any],
    ) -> None:
        super().__init__(transcoder)
        self.keys = keys
        self.personal_fields_of = personal_fields_of
        self.snapshot_class = snapshot_class

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        encrypted = dict(vars(domain_event))
        for name, subject in self.subjects_of(domain_event).items():
            encrypted[name] = self._encrypt(subject, domain_event, name, encrypted[name])
        clone = object.__new__(type(domain_event))
        object.__setattr__(clone, "__dict__", encrypted)
        return super().to_stored_event(clone)

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        event = super().to_domain_event(stored_event)
        state = vars(event)
        for name, value in list(state.items()):
            if is_envelope(value):
                state[name] = self._decrypt(value, stored_event, name)
        return event

    def prefetch_keys(self, stored_events: Iterable[StoredEvent]) -> None:
        """Load the keys a page of stored events needs in one query. Reading many events
        (a projection rebuild), call this per page: else each key not cached costs a query."""
        subjects = set()
        for stored in stored_events:
            for value in self.transcoder.decode(stored.state).values():
                if is_envelope(value):
                    subjects.add(UUID(value["subject"]))
        self.keys.preload(subjects)

    def subjects_of(self, event: DomainEventProtocol[UUID]) -> dict[str, UUID]:
        """Each personal field with a value, and the subject whose key encrypts it."""
        state = vars(event)
        if isinstance(event, self.snapshot_class):
            owner = state["state"].get("customer_id") or event.originator_id
            return {"state": owner}
        owner = state.get("customer_id") or event.originator_id
        result = {}
        for name in self.personal_fields_of(type(event)):
            if state.get(name) is None:
                continue
            retention = RETENTION_CLASSES.get(name)
            result[name] = retention_subject(event.originator_id, retention) if retention else owner
        return result

    def subject_links(self, events: list[DomainEventProtocol[UUID]]) -> set[tuple[UUID, UUID]]:
        """(customer, aggregate) pairs: aggregates other than the customer holding its data."""
        links = set()
        for event in events:
            customer = vars(event).get("customer_id")
            if customer is not None and customer != event.originator_id:
                links.add((customer, event.originator_id))
        return links

    def key_owners(self, events: list[DomainEventProtocol[UUID]]) -> set[tuple[UUID, UUID]]:
        """(customer, subject) pairs: keys that belong to a customer once it is known, such as
        an unknown caller's interaction key after linking, so erasing the customer shreds them."""
        owners: set[tuple[UUID, UUID]] = set()
        for customer, aggregate in self.subject_links(events):
            owners.add((customer, aggregate))
            for retention in RETENTION_CLASSES.values():
                owners.add((customer, retention_subject(aggregate, retention)))
        for event in events:  # a customer's own retention keys
            if vars(event).get("customer_id") == event.originator_id:
                for retention in RETENTION_CLASSES.values():
                    owners.add((event.originator_id, retention_subject(event.originator_id, retention)))
        return owners

    def retention_of(self, subject: UUID, event: DomainEventProtocol[UUID]) -> str | None:
        for retention in RETENTION_CLASSES.values():
            if subject == retention_subject(event.originator_id, retention):
                return retention
        return None

    def prepare(self, events: list[DomainEventProtocol[UUID]]) -> None:
        """Create the data keys a batch of events needs, in one round trip."""
        wanted: dict[UUID, str | None] = {}
        for event in events:
            for name, subject in self.subjects_of(event).items():
                # A field's own retention class (see subjects_of), without retention_of's uuid5s.
                wanted[subject] = RETENTION_CLASSES.get(name)
        self.keys.ensure(wanted.items())

    def _encrypt(self, subject: UUID, event: DomainEventProtocol[UUID], name: str, value: Any) -> Any:
        key = self.keys.key(subject)
        if key is None:
            self.keys.ensure([(subject, self.retention_of(subject, event))])
            key = self.keys.key(subject)
        if key is None:
            if ERASED_AT_BIRTH.get():
                return ERASED if isinstance(value, str) else None
            raise SubjectErased(f"the personal data of {subject} was erased; nothing new can be stored")
        plain = self.transcoder.encode({"v": value})
        nonce = os.urandom(12)
        aad = field_aad(event.originator_id, event.originator_version, name)
        sealed = nonce + AESGCM(key).encrypt(nonce, plain, aad)
        return {"encrypted": ALGORITHM, "subject": str(subject),
                "type": "text" if isinstance(value, str) else "value",
                "ciphertext": base64.b64encode(sealed).decode()}

    def _decrypt(self, envelope: dict[str, str], stored: StoredEvent, name: str) -> Any:
        return open_envelope(self.keys, self.transcoder, envelope, UUID(str(stored.originator_id)),
                             stored.originator_version, name)


def is_envelope(value: Any) -> bool:
    return isinstance(value, dict) and value.get("encrypted") == ALGORITHM


def open_envelope(keys: DataKeyStore, transcoder: Transcoder, envelope: dict[str, str],
                  aggregate_id: UUID, version: int, name: str) -> Any:
    """The plain value of one encrypted field, or the erased placeholder when its key is gone."""
    key = keys.key(UUID(envelope["subject"]))
    if key is None:
        return erased_value(envelope)
    return transcoder.decode(unseal(AESGCM(key), envelope, field_aad(aggregate_id, version, name)))["v"]


def field_aad(aggregate_id: object, version: int, name: str) -> bytes:
    """What a field's ciphertext is bound to: its event and its name."""
    return f"{aggregate_id}:{version}:{name}".encode()


def unseal(cipher: AESGCM, envelope: dict[str, str], aad: bytes) -> bytes:
    """The transcoded plain value of one envelope (nonce, then ciphertext and tag)."""
    sealed = base64.b64decode(envelope["ciphertext"])
    return cipher.decrypt(sealed[:12], sealed[12:], aad)


def erased_value(envelope: dict[str, str]) -> Any:
    """What a field reads as once its data key is destroyed."""
    return ERASED if envelope.get("type") == "text" else None
