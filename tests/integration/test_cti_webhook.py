"""The CTI webhook as Zammad's generic CTI documents it: the examples' JSON and form bodies,
the replies (``{}``, ``reject``, ``dial``), tokens and malformed bodies."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from adapters.services.stack import Endpoints
from api.routes import cti as cti_routes
from contact_center.bootstrap import Container
from contact_center.settings import Settings
from tests.event_log import wait_for
from tests.integration.cti_requests import Rig, cti_rig
from tests.integration.event_counts import stored_event_count

CHRIS, EMMA = "Christopher Miller", "Emma Taylor"
EMMA_LOGIN = "emma@chrispresso.com"
INBOUND_ID = "307fa962-de8d-4ffc-817b-7f6993204159"
NEW_CALL_IN = {"event": "newCall", "from": "493023125741", "to": "492214710334", "direction": "in",
               "callId": INBOUND_ID, "user": [CHRIS, EMMA]}


@pytest.fixture
def rig(pipeline_settings: Settings, services: Endpoints) -> Iterator[Rig]:
    with cti_rig(pipeline_settings, services) as built:
        yield built


def staff(rig: Rig) -> tuple[Any, Any]:
    # Zammad's examples use one line for both directions: outbound it is Christopher's own.
    chris = rig.onboard(CHRIS, "cmiller", "support", ("1001", "+493023125741"))
    emma = rig.onboard(EMMA, EMMA_LOGIN, "support", ("1002",))
    return chris, emma


def test_documented_json_calls_through_their_whole_lifecycle(rig: Rig) -> None:
    chris, emma = staff(rig)
    assert rig.send(NEW_CALL_IN) == {}
    (offer,) = rig.notifier.offers
    assert (offer.call_id, offer.agent_ids, offer.match) == (INBOUND_ID, (chris, emma), "none")
    assert (offer.caller, offer.customer_ids, offer.received_at > 0) == ("+493023125741", (), True)
    rig.clock.advance(seconds=12)
    assert rig.send({"event": "answer", "from": "493023125741", "to": "492214710334",
                     "direction": "in", "callId": INBOUND_ID, "user": EMMA,
                     "answeringNumber": EMMA_LOGIN}) == {}
    (taken,) = rig.notifier.takes
    assert (taken.agent_id, taken.other_agent_ids) == (emma, (chris,))
    rig.clock.advance(seconds=95)
    assert rig.send({"event": "hangup", "from": "493023125741", "to": "492214710334",
                     "direction": "in", "callId": INBOUND_ID, "user": EMMA,
                     "answeringNumber": EMMA_LOGIN, "cause": "normalClearing"}) == {}
    (ended,) = rig.notifier.ends
    assert (ended.agent_ids, ended.outcome) == ((chris, emma), "ended")
    call = rig.call(INBOUND_ID)
    assert (call["status"], call["direction"], call["agent_id"]) == ("ended", "inbound", str(emma))
    assert (call["wait_seconds"], call["talk_seconds"]) == (12.0, 95.0)
    assert (call["from_address"], call["to_address"]) == ("+493023125741", "+492214710334")

    outbound = {"event": "newCall", "from": "493023125741", "to": "492214710334", "direction": "out",
                "callId": "f4ebd2be-7b9a-4d58-94c2-eb06a3c2ce76", "user": CHRIS}
    assert rig.send(outbound) == {"action": "dial", "callerId": "496990009111",
                                  "caller_id": "496990009111", "number": "492214710334"}
    rig.clock.advance(seconds=20)
    assert rig.send({**outbound, "event": "hangup", "cause": "cancel"}) == {}
    dialled = rig.call(outbound["callId"])
    assert (dialled["status"], dialled["direction"], dialled["agent_id"]) == (
        "abandoned", "outbound", str(chris))
    assert (dialled["from_address"], dialled["wait_seconds"]) == ("+496990009111", 20.0)
    # The answer example names nobody: the agent is the one whose line placed the call.
    answer_out = {"event": "answer", "from": "493023125741", "to": "492214710334", "direction": "out",
                  "callId": "9f1840cb-8be9-4d3a-8200-3da2937085f0"}
    assert rig.send(answer_out) == {}
    assert (rig.call(answer_out["callId"])["status"], rig.call(answer_out["callId"])["agent_id"]) == (
        "answered", str(chris))
    assert len(rig.notifier.offers) == 1  # outbound calls pop no card


def test_a_ring_is_handled_on_the_ring_lane_while_the_shared_pool_is_refused(
        rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    staff(rig)

    async def shared_pool_refused(*_: Any, **__: Any) -> Any:
        raise AssertionError("this request waited for the shared thread pool")

    monkeypatch.setattr(cti_routes, "run_in_threadpool", shared_pool_refused)
    assert rig.send(NEW_CALL_IN) == {}
    assert [name.split("_")[0] for name in rig.notifier.offer_threads] == ["cti-ring"]
    assert rig.call(INBOUND_ID)["status"] == "ringing"  # written on the ring's writing threads
    # Answers and hangups share the pool with every other request: refused here.
    rig.send({**NEW_CALL_IN, "event": "answer", "user": EMMA}, status=500)
    monkeypatch.undo()
    assert rig.send({**NEW_CALL_IN, "event": "answer", "user": EMMA}) == {}
    assert rig.call(INBOUND_ID)["status"] == "answered"


def test_rings_pop_while_the_writes_of_earlier_rings_wait(rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    """More rings than popping threads, every write held (a disk that stalls): each still
    pops, and each is recorded once the writes go on."""
    staff(rig)
    threads = rig.container.settings.cti_ring_threads
    released = threading.Event()
    write = rig.container.cti._write

    def held(*args: Any, **kwargs: Any) -> Any:
        assert released.wait(60), "the writes were never released"
        return write(*args, **kwargs)

    monkeypatch.setattr(rig.container.cti, "_write", held)
    rings = [{**NEW_CALL_IN, "callId": f"held-{n}"} for n in range(threads + 2)]
    with ThreadPoolExecutor(len(rings)) as pool:
        replies = [pool.submit(rig.send, ring) for ring in rings]
        wait_for(lambda: len(rig.notifier.offers) == len(rings), timeout=30,
                 what="every ring popped while the writes were held")
        assert not any(reply.done() for reply in replies)
        released.set()
        assert [reply.result(timeout=60) for reply in replies] == [{}] * len(rings)
    assert {rig.call(f"held-{n}")["status"] for n in range(len(rings))} == {"ringing"}


def test_documented_form_bodies(rig: Rig) -> None:
    chris, emma = staff(rig)
    rig.send_form([("event", "newCall"), ("from", "493023125741"), ("to", "492214710334"),
                   ("direction", "in"), ("callId", "25641e3f-3317-4c48-80b3-fc573c7ffe2b"),
                   ("user[]", CHRIS), ("user[]", EMMA)], multipart=True)
    assert rig.notifier.offers[-1].agent_ids == (chris, emma)
    # Two users named: answeringNumber tells who picked up; this call id was never rung.
    rig.send_form([("event", "answer"), ("from", "493023125741"), ("to", "492214710334"),
                   ("direction", "in"), ("callId", "61868f1e-2171-4313-970b-25982f0c5ce1"),
                   ("user[]", CHRIS), ("user[]", EMMA), ("answeringNumber", EMMA_LOGIN)], multipart=True)
    answered = rig.call("61868f1e-2171-4313-970b-25982f0c5ce1")
    assert (answered["status"], answered["agent_id"], answered["wait_seconds"]) == (
        "answered", str(emma), 0.0)
    rig.send_form([("event", "hangup"), ("from", "493023125741"), ("to", "492214710334"),
                   ("direction", "in"), ("callId", "25641e3f-3317-4c48-80b3-fc573c7ffe2b"),
                   ("user", EMMA), ("answeringNumber", EMMA_LOGIN), ("cause", "normalClearing")])
    assert rig.call("25641e3f-3317-4c48-80b3-fc573c7ffe2b")["status"] == "missed"  # never answered
    assert rig.notifier.ends[-1].outcome == "missed"
    rig.send_form([("event", "newCall"), ("from", "493055571600"), ("to", "491711234567890"),
                   ("direction", "in"), ("callId", "123456"), ("user[]", "Alice"), ("user[]", "Bob")])
    unknown = rig.call("123456")
    assert (unknown["from_address"], unknown["to_address"]) == ("+493055571600", "491711234567890")
    assert not rig.notifier.offers[-1].agent_ids  # neither Alice nor Bob works here


def test_block_list_rejects_and_records_a_busy_call(rig: Rig) -> None:
    staff(rig)
    before = stored_event_count(rig.container)
    blocked = {**NEW_CALL_IN, "from": "+49 221 5550199", "callId": "blocked-1"}
    assert rig.send(blocked) == {"action": "reject", "reason": "busy"}
    assert rig.send({**blocked, "event": "hangup", "cause": "cancel"}) == {}  # the PBX still hangs up
    assert rig.send(blocked) == {"action": "reject", "reason": "busy"}
    call = rig.call("blocked-1")
    assert (call["status"], call["version"], call["wait_seconds"]) == ("busy", 2, 0.0)
    assert stored_event_count(rig.container) == before + 2
    assert (rig.notifier.offers, rig.notifier.ends) == ([], [])


def test_caller_id_rules_answer_dial(rig: Rig) -> None:
    staff(rig)
    out = {"event": "newCall", "from": "1001", "direction": "out", "user": CHRIS}
    munich = rig.send({**out, "to": "4989555012", "callId": "m"})
    assert (munich["callerId"], munich["number"]) == ("498999998145", "4989555012")
    berlin = rig.send({**out, "to": "+49 30 901820", "callId": "b"})
    assert (berlin["callerId"], berlin["number"]) == ("+493023125877", "+49 30 901820")
    assert rig.call("b")["from_address"] == "+493023125877"
    plain_token = rig.container.cti.integrations.add("plain-pbx")
    reply = rig.client.post(f"/api/v1/cti/{plain_token}", json={**out, "to": "4989555012", "callId": "m"})
    assert reply.json() == {}  # no rules; the same call id of another system is another call
    assert rig.call("m")["version"] == 1


@pytest.fixture
def configured(client: TestClient, container: Container) -> tuple[TestClient, Container, str]:
    return client, container, container.cti.integrations.add("office-pbx")


def test_wrong_token_is_401_and_stores_nothing(configured: tuple[TestClient, Container, str]) -> None:
    client, container, token = configured
    before = stored_event_count(container)
    key_id = token.partition(".")[0]
    for wrong in ("nope", f"{key_id}.wrong-secret", token[:-1], f"{'0' * 16}.{token[17:]}"):
        response = client.post(f"/api/v1/cti/{wrong}", json=NEW_CALL_IN)
        assert response.status_code == 401, wrong
        assert response.headers["content-type"] == "application/problem+json"
    assert stored_event_count(container) == before


@pytest.mark.parametrize(("content_type", "body", "field"), [
    ("application/json", b"{not json", "body"),
    ("application/json", b'["newCall"]', "body"),
    ("application/json", b'{"event": "ringing", "from": "1", "to": "2", "direction": "in", '
                         b'"callId": "x"}', "event"),
    ("application/json", b'{"event": "newCall", "from": "1", "to": "2", "direction": "sideways", '
                         b'"callId": "x"}', "direction"),
    ("application/json", b'{"event": "newCall", "from": "1", "to": "2", "direction": "in"}', "callId"),
    ("application/json", b'{"event": "newCall", "from": "1", "to": "2", "direction": "in", "callId": "'
                         + b"x" * 251 + b'"}', "callId"),
    ("application/json", b'{"event": "hangup", "from": "1", "to": "2", "direction": "in", '
                         b'"callId": "x", "cause": "meteor"}', "cause"),
    ("application/x-www-form-urlencoded", b"event=newCall&from=1&to=2&direction=in", "callId"),
    ("application/json", b'{"event": "newCall", "from": "1", "to": "2", "direction": "in", '
                         b'"callId": "x\\u0000y"}', "callId"),
    ("application/json", b'{"event": "newCall", "from": "1", "to": "2", "direction": "in", '
                         b'"callId": "   "}', "callId"),
    ("application/x-www-form-urlencoded", b"event=newCall&from=1&to=2&direction=in&callId=x&user[]=a%00",
     "user"),
    ("multipart/form-data; boundary=absent", b"--other\r\n\r\n", "body"),
    ("text/plain", b"event=newCall", "body"),
])
def test_malformed_bodies_are_422_and_store_nothing(
        configured: tuple[TestClient, Container, str], content_type: str, body: bytes, field: str) -> None:
    client, container, token = configured
    before = stored_event_count(container)
    response = client.post(f"/api/v1/cti/{token}", content=body, headers={"Content-Type": content_type})
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field
    assert stored_event_count(container) == before

