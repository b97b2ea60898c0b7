"""The pure parts of reading the caller history: cursors, consent channels, outcomes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from projections.caller_history_entries import (
    Position,
    consent_channels,
    decode_cursor,
    encode_cursor,
    interaction_outcome,
    timeline_channel,
)


def test_a_cursor_stands_for_its_position() -> None:
    position = Position(datetime(2026, 3, 2, 9, 30, 15, 250001, tzinfo=UTC),
                        "1a9ec864-28f7-517c-9336-ef6408ba55d1:12")
    cursor = encode_cursor(position)
    assert decode_cursor(cursor) == position
    assert cursor.isascii()
    assert not set("=/+") & set(cursor)


@pytest.mark.parametrize("cursor", ["", "not-a-cursor", "é", encode_cursor.__name__,
                                    "WyIyMDI2LTAzLTAyVDA5OjMwOjE1IiwiYSJd",  # no time zone
                                    "WzEsMl0", "eyJhIjoxfQ"])
def test_anything_else_is_no_cursor(cursor: str) -> None:
    with pytest.raises(ValueError, match="not a timeline cursor"):
        decode_cursor(cursor)


def test_consent_media_show_under_interaction_channels() -> None:
    assert [timeline_channel(m) for m in ("phone", "post", "email", "sms")] == [
        "call", "letter", "email", "sms"]
    assert consent_channels(["call", "email"]) == ["email", "phone"]
    assert consent_channels(["letter"]) == ["post"]
    assert consent_channels(["visit"]) == ["visit"]


def test_only_finished_interactions_have_an_outcome() -> None:
    assert [interaction_outcome(s) for s in ("ringing", "answered", "on_hold", "open", None)] == [None] * 5
    assert [interaction_outcome(s) for s in ("ended", "missed", "voicemail", "closed")] == [
        "ended", "missed", "voicemail", "closed"]
