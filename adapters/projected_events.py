"""From a Kafka record (CloudEvents structured JSON) to a decrypted ProjectedEvent."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, UUIDAsHex

from adapters.data_keys import DataKeyStore
from adapters.personal_data_mapper import erased_value, field_aad, is_envelope, unseal
from projections.base import ProjectedEvent

Ciphers = dict[str, AESGCM | None]  # a data subject's id as an envelope names it → its cipher

# A NUL escaped in JSON text (``\u0000`` after an even number of backslashes). Events no longer
# hold one (domain/validation.py), but earlier versions stored some, and PostgreSQL cannot
# store NUL in text: read models get U+FFFD, the replacement character, in its place.
_NUL = re.compile(rb"(?<!\\)((?:\\\\)*)\\u0000")


def without_nul(json_text: bytes) -> bytes:
    """``json_text`` with each NUL in its strings replaced by U+FFFD (cheap when there is none)."""
    if b"\\u0000" not in json_text:
        return json_text
    return _NUL.sub(rb"\1\\ufffd", json_text)


def value_transcoder() -> JSONTranscoder:
    """The transcoder personal values were sealed with (the application's defaults)."""
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DatetimeAsISO(), DecimalAsStr()):
        transcoder.register(transcoding)
    return transcoder


@dataclass(frozen=True, slots=True)
class UnhandledEvent:
    """A record of a kind the projection has no handler for: only its id is claimed (so
    read-your-writes finds it applied), its data is neither built nor decrypted."""

    id: str
    sequence: int


def event_kind(event_type: str) -> str:
    """``switchboard.interaction.call_answered.v2`` → ``switchboard.interaction.call_answered``."""
    return event_type.rsplit(".", 1)[0]


class EventDecoder:
    """Parses records and opens personal-field envelopes with the key service."""

    def __init__(self, keys: DataKeyStore | None) -> None:
        self.keys = keys
        self.transcoder = value_transcoder()

    def decode_many(self, values: list[bytes]) -> list[ProjectedEvent]:
        """Decode a poll's records, fetching every data key they need in one query."""
        records: list[dict[str, Any]] = [orjson.loads(without_nul(value)) for value in values]
        ciphers = self._ciphers(records)
        return [self._event(record, ciphers) for record in records]

    def decode_handled(self, values: Sequence[bytes],
                       handles: Callable[[str], bool]) -> list[ProjectedEvent | UnhandledEvent]:
        """Decode a poll's records for one projection: those of a kind it ``handles`` in full
        (their data keys fetched in one query), the others only as far as their id."""
        records: list[dict[str, Any]] = [orjson.loads(without_nul(value)) for value in values]
        wanted = [handles(event_kind(str(record["type"]))) for record in records]
        ciphers = self._ciphers([record for record, keep in zip(records, wanted, strict=True) if keep])
        return [self._event(record, ciphers) if keep else
                UnhandledEvent(str(record["id"]), int(record["sequence"]))
                for record, keep in zip(records, wanted, strict=True)]

    def decode(self, value: bytes) -> ProjectedEvent:
        record = orjson.loads(without_nul(value))
        return self._event(record, self._ciphers([record]))

    def _ciphers(self, records: list[dict[str, Any]]) -> Ciphers:
        """Each data subject the records' envelopes name (as written there) → its cipher, or
        None once its key is destroyed: every key in one query, each cipher made once per
        batch rather than once per field. Nothing outlives the batch, so an erasure takes
        effect at the next one."""
        if self.keys is None:
            return {}
        named = {field["subject"] for record in records
                 for field in (record.get("data") or {}).values() if is_envelope(field)}
        if not named:
            return {}
        subjects = {text: UUID(text) for text in named}
        keys = self.keys.keys_of(subjects.values())
        return {text: None if (key := keys.get(subject)) is None else AESGCM(key)
                for text, subject in subjects.items()}

    def _event(self, record: dict[str, Any], ciphers: Ciphers) -> ProjectedEvent:
        aggregate, _, version_text = str(record["id"]).rpartition(":")
        aggregate_id, version = UUID(aggregate), int(version_text)
        data = dict(record.get("data") or {})
        for name, field in data.items():
            if is_envelope(field):
                data[name] = self._open(field, ciphers, field_aad(aggregate_id, version, name))
        return ProjectedEvent(
            id=str(record["id"]),
            type=str(record["type"]),
            aggregate_id=aggregate_id,
            version=version,
            sequence=int(record["sequence"]),
            customer_id=UUID(str(record["customerid"])),
            actor=str(record.get("actor", "")),
            time=datetime.fromisoformat(str(record["time"]).replace("Z", "+00:00")),
            data=data,
        )

    def _open(self, envelope: dict[str, str], ciphers: Ciphers, aad: bytes) -> Any:
        """As :func:`adapters.personal_data_mapper.open_envelope`, with the batch's ciphers."""
        if self.keys is None:
            return None  # a consumer without the key service sees only the skeleton
        cipher = ciphers.get(envelope["subject"])
        if cipher is None:
            return erased_value(envelope)
        plain = without_nul(unseal(cipher, envelope, aad))
        value = orjson.loads(plain)["v"]
        if isinstance(value, dict | list):  # may hold tagged UUIDs, datetimes, decimals
            value = _plain(self.transcoder.decode(plain)["v"])
        return value


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value
