"""Push notices as every API process reads them: the frame behind a header, a row id, the JSON
of earlier versions; anything else is skipped (the gap fill fetches it), never a crash."""

from __future__ import annotations

import json
from uuid import uuid4

from adapters.push_store import RoutedFrame, decode_notice


def test_a_frame_behind_its_header_keeps_every_character_of_the_body() -> None:
    agent = uuid4()
    body = '{"type":"screen_pop","seq":7,"display_name":"Müller | Söhne","card":null}'
    assert decode_notice(f"{agent}|7|screen_pop|1764457234.123456|{body}") == (
        RoutedFrame(agent, 7, "screen_pop", body, 1764457234.123456), None)
    assert decode_notice(f"{agent}|8|call_ended||{{}}") == (
        RoutedFrame(agent, 8, "call_ended", "{}", None), None)


def test_a_row_id_and_the_json_of_earlier_versions() -> None:
    agent = uuid4()
    assert decode_notice("#42") == (None, 42)
    assert decode_notice(json.dumps({"agent_id": str(agent), "seq": 3, "kind": "call_taken",
                                     "received_at": None, "id": 43})) == (None, 43)
    old = json.dumps({"agent_id": str(agent), "seq": 3, "kind": "call_taken", "received_at": 1.5,
                      "body": "{}"})
    assert decode_notice(old) == (RoutedFrame(agent, 3, "call_taken", "{}", 1.5), None)


def test_an_unreadable_notice_is_skipped() -> None:
    for payload in ("", "garbage", "#x", "not-a-uuid|1|k||{}", "{\"agent_id\": 1}", "{broken"):
        assert decode_notice(payload) == (None, None)
