"""Caller history through the whole pipeline: API writes → relay → Kafka → projection → API read."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from contact_center.bootstrap import Container
from tests.integration.case_requests import complaint
from tests.integration.timeline_requests import (
    DPO,
    Writer,
    all_applied,
    dump,
    entries,
    replay_from_scratch,
    timeline,
)

CHANNELS = ["email", "chat", "sms", "letter", "visit"]


def a_customer_on_every_channel(w: Writer) -> dict[str, str]:
    ids = {"customer": w.customer("Ada Lovelace"), "agent": w.agent("grace")}
    ids["call"] = w.call(ids["customer"], ids["agent"], "+49 30 5557 1600")
    w.post(f"/api/v1/interactions/{ids['call']}/wrap-up", {"code": "invoice_explained",
                                                           "notes": "walked through March"})
    w.post(f"/api/v1/interactions/{ids['call']}/notes", {"note": "prefers mornings"})
    for channel in CHANNELS:
        ids[channel] = w.message(ids["customer"], channel, f"about my {channel}")
    ids["case"] = w.post("/api/v1/cases", complaint(ids["customer"], origin_interaction_id=ids["call"]))
    w.post(f"/api/v1/cases/{ids['case']}/assign", {"agent_id": ids["agent"]})
    w.post(f"/api/v1/cases/{ids['case']}/resolve", {"resolution_code": "refunded",
                                                    "first_contact_resolution": False})
    w.consent(ids["customer"], granted=True)
    w.consent(ids["customer"], granted=False)
    return ids


def test_timeline_lists_every_channel_newest_first(pipeline: tuple[TestClient, Container]) -> None:
    client, _ = pipeline
    w = Writer(client)
    ids = a_customer_on_every_channel(w)
    items = entries(client, ids["customer"], w.position)
    assert [(e["kind"], e["channel"]) for e in items] == [
        ("consent", "email"), ("consent", "email"), ("case", "call"),
        *[("interaction", channel) for channel in reversed(CHANNELS)], ("interaction", "call")]
    assert [e["outcome"] for e in items[:3]] == ["withdrawn", "granted", "refunded"]
    assert items[0]["consent"] == {"consent_channel": "email", "purpose": "marketing_email",
                                   "granted": False, "source": "web form"}

    case = items[2]
    assert (case["id"], case["status"], case["agent_id"]) == (ids["case"], "resolved", ids["agent"])
    assert [c["change"] for c in case["case"]["changes"]] == ["opened", "assigned", "resolved"]
    assert case["case"]["summary"] == "charged twice for March"

    call = items[-1]
    assert call["id"] == ids["call"]
    assert (call["status"], call["outcome"], call["agent_id"]) == ("ended", "ended", ids["agent"])
    assert (call["from_address"], call["queue"]) == ("+493055571600", "billing")
    assert min(call["wait_seconds"], call["talk_seconds"]) >= 0
    assert call["hold_seconds"] == 0
    assert None not in (call["answered_at"], call["ended_at"])
    assert (call["wrap_up_code"], call["wrap_up_notes"]) == ("invoice_explained", "walked through March")
    assert [n["text"] for n in call["notes"]] == ["prefers mornings"]
    email = next(e for e in items if e["channel"] == "email" and e["kind"] == "interaction")
    assert (email["subject"], email["status"], email["outcome"]) == ("about my email", "open", None)

    ordered = [e["at"] for e in items]
    assert ordered == sorted(ordered, reverse=True)


def test_paging_and_filters(pipeline: tuple[TestClient, Container]) -> None:
    client, _ = pipeline
    w = Writer(client)
    ids = a_customer_on_every_channel(w)
    everything = [e["id"] for e in entries(client, ids["customer"], w.position)]
    assert len(everything) == 9

    paged: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        query: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = timeline(client, ids["customer"], w.position, **query)
        paged += [e["id"] for e in page["entries"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert (paged, pages) == (everything, 5)

    some = entries(client, ids["customer"], w.position, channel=["call", "email"])
    assert [e["kind"] for e in some] == ["consent", "consent", "case", "interaction", "interaction"]
    assert {e["channel"] for e in some} == {"call", "email"}

    by_id = {e["id"]: e for e in entries(client, ids["customer"], w.position)}
    window = entries(client, ids["customer"], w.position,
                     since=by_id[ids["sms"]]["at"], until=by_id[ids["visit"]]["at"])
    assert [e["id"] for e in window] == [ids["letter"], ids["sms"]]


def test_bad_requests(pipeline: tuple[TestClient, Container]) -> None:
    client, container = pipeline
    w = Writer(client)
    ada = w.customer("Ada")
    assert timeline(client, ada, w.position) == {"entries": [], "next_cursor": None}
    path = f"/api/v1/customers/{ada}/timeline"
    for query in ({"limit": 0}, {"limit": 201}, {"cursor": "not-a-cursor"}, {"channel": "fax"},
                  {"since": "2026-03-02T10:00:00"},
                  {"since": "2026-03-02T10:00:00Z", "until": "2026-03-02T09:00:00Z"}):
        response = client.get(path, params=query)
        assert response.status_code == 422, (query, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    unknown = client.get("/api/v1/customers/00000000-0000-0000-0000-000000000001/timeline")
    assert unknown.status_code == 404
    container.consistency.timeout = 0.5
    container.projections.stop()  # the read model falls behind the next write
    grace = w.customer("Grace")
    behind = client.get(f"/api/v1/customers/{grace}/timeline", params={"min_position": w.position})
    assert behind.status_code == 503
    assert behind.json()["projection"] == "caller_history_v1"
    never = client.get(path, params={"min_position": 10**9})  # no event is stored there
    assert (never.status_code, never.json()["field"]) == (422, "min_position")


def test_linking_merging_erasure_and_replay(pipeline: tuple[TestClient, Container]) -> None:
    client, container = pipeline
    w = Writer(client)
    ada, bob, agent = w.customer("Ada"), w.customer("Bob"), w.agent("grace")

    # An unknown caller: kept under the call until linked; moved when relinked.
    call = w.call(None, agent, "+44 20 7946 0018")
    w.post(f"/api/v1/interactions/{call}/notes", {"note": "asked about tariffs"})
    assert entries(client, ada, w.position) == []
    w.post(f"/api/v1/interactions/{call}/link", {"customer_id": bob})
    w.post(f"/api/v1/interactions/{call}/notes", {"note": "noted while Bob's"})
    assert [e["id"] for e in entries(client, bob, w.position)] == [call]
    w.post(f"/api/v1/interactions/{call}/link", {"customer_id": ada})
    w.post(f"/api/v1/interactions/{call}/wrap-up", {"code": "tariff_info", "notes": "sent the leaflet"})
    assert entries(client, bob, w.position) == []
    linked = entries(client, ada, w.position)
    assert [(e["id"], e["from_address"], e["agent_id"]) for e in linked] == [(call, "+442079460018", agent)]

    # A duplicate's history shows on the survivor's timeline while merged.
    bobs_mail = w.message(bob, "email", "from Bob's other address")
    case = w.post("/api/v1/cases", complaint(ada))
    w.post(f"/api/v1/cases/{case}/pending", {"reason": "waiting for Ada's bank statement"})
    w.post(f"/api/v1/cases/{case}/notes", {"note": "statement promised by Friday"})
    w.post(f"/api/v1/customers/{bob}/merge", {"survivor_id": ada})
    assert [e["id"] for e in entries(client, ada, w.position)] == [case, bobs_mail, call]
    w.post(f"/api/v1/customers/{bob}/unmerge")
    assert [e["id"] for e in entries(client, ada, w.position)] == [case, call]
    w.post(f"/api/v1/customers/{bob}/merge", {"survivor_id": ada})

    # Erasure: personal text goes at once, the skeleton stays.
    w.post(f"/api/v1/customers/{ada}/erasure", {"legal_basis": "Art. 17 request"}, headers=DPO)
    erased = {e["id"]: e for e in entries(client, ada, w.position)}
    assert erased[case]["case"]["summary"] == "[erased]"
    assert [c["reason"] for c in erased[case]["case"]["changes"]] == [None, "[erased]"]
    assert [n["text"] for n in erased[case]["notes"]] == ["[erased]"]
    gone = erased[call]
    assert (gone["from_address"], gone["to_address"], gone["wrap_up_notes"]) == ("[erased]",) * 3
    assert [n["text"] for n in gone["notes"]] == ["[erased]", "noted while Bob's"]
    assert (gone["channel"], gone["outcome"], gone["wrap_up_code"], gone["agent_id"]) == (
        "call", "ended", "tariff_info", agent)
    assert None not in (gone["talk_seconds"], gone["wait_seconds"])
    assert erased[bobs_mail]["subject"] == "from Bob's other address"  # Bob's data is Bob's

    # Rebuild determinism: a replay from offset 0 yields the very same tables.
    all_applied(container)
    live = dump(container)
    assert sum(len(rows) for rows in live.values()) > 10
    replay_from_scratch(container)
    assert dump(container) == live
