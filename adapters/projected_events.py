"""From a Kafka record (CloudEvents structured JSON) to a decrypted ProjectedEvent."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, UUIDAsHex

from adapters.data_keys import DataKeyStore
from adapters.personal_data_mapper import is_envelope, open_envelope
from projections.base import ProjectedEvent


def value_transcoder() -> JSONTranscoder:
    """The transcoder personal values were sealed with (the application's defaults)."""
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DatetimeAsISO(), DecimalAsStr()):
        transcoder.register(transcoding)
    return transcoder


class EventDecoder:
    """Parses records and opens personal-field envelopes with the key service."""

    def __init__(self, keys: DataKeyStore | None) -> None:
        self.keys = keys
        self.transcoder = value_transcoder()

    def decode_many(self, values: list[bytes]) -> list[ProjectedEvent]:
        """Decode a poll's records, fetching every data key they need in one query."""
        records: list[dict[str, Any]] = [json.loads(value) for value in values]
        if self.keys is not None:
            self.keys.preload(UUID(field["subject"]) for record in records
                              for field in (record.get("data") or {}).values() if is_envelope(field))
        return [self._event(record) for record in records]

    def decode(self, value: bytes) -> ProjectedEvent:
        return self._event(json.loads(value))

    def _event(self, record: dict[str, Any]) -> ProjectedEvent:
        aggregate, _, version_text = str(record["id"]).rpartition(":")
        aggregate_id, version = UUID(aggregate), int(version_text)
        data = dict(record.get("data") or {})
        for name, field in data.items():
            if is_envelope(field):
                data[name] = self._open(field, aggregate_id, version, name)
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

    def _open(self, envelope: dict[str, str], aggregate_id: UUID, version: int, name: str) -> Any:
        if self.keys is None:
            return None  # a consumer without the key service sees only the skeleton
        value = open_envelope(self.keys, self.transcoder, envelope, aggregate_id, version, name)
        return _plain(value)


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
