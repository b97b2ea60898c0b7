"""Transcodings the domain's events need beyond eventsourcing's defaults.

None, by design: payloads hold only str, int, float, bool, None, lists,
str-keyed dicts, and the UUIDs and datetimes the default ``JSONTranscoder``
of ``eventsourcing.application.Application`` already handles (enums travel
as their string values, dates as ISO strings).  The composition root calls
:func:`register_transcodings` anyway, so a future value type is added here
and nowhere else.
"""

from __future__ import annotations

from eventsourcing.persistence import JSONTranscoder, Transcoding

TRANSCODINGS: tuple[Transcoding, ...] = ()


def register_transcodings(transcoder: JSONTranscoder) -> None:
    """Register the domain's custom transcodings (currently none)."""
    for transcoding in TRANSCODINGS:
        transcoder.register(transcoding)
