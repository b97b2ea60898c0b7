"""CTI calls on the domain: who a ring pops up for and with which caller match, repeated and
out-of-order events, the outcome of every hangup cause, and calls forgotten after their retention."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from adapters.services.stack import Endpoints
from api.app import create_app
from contact_center.bootstrap import bootstrap
from contact_center.settings import Settings
from tests.event_log import wait_for
from tests.integration.cti_requests import Rig, cti_rig
from tests.integration.event_counts import stored_event_count


@pytest.fixture
def rig(pipeline_settings: Settings, services: Endpoints) -> Iterator[Rig]:
    with cti_rig(pipeline_settings, services) as built:
        yield built


def event(kind: str, call_id: str, **fields: Any) -> dict[str, Any]:
    return {"event": kind, "from": "493055571699", "to": "492214710300", "direction": "in",
            "callId": call_id, **fields}


def test_screen_pop_per_caller_match_and_agent_resolution(rig: Rig) -> None:
    linus = rig.onboard("Linus Lee", "llee", "support", ("2001",), presence="available")
    mary = rig.onboard("Mary Major", "mmajor", "support", ("2002",), presence="available")
    rig.onboard("Grace Away", "gaway", "support", ("2003",), presence="away")
    sam = rig.onboard("Sam Sales", "ssales", "sales", ("3001",), presence="available")
    ada = rig.register("Ada", "+49 30 5557 1600")
    flat_a, flat_b = rig.register("Flat A", "+49 221 4710334"), rig.register("Flat B", "0221 4710334")
    support = tuple(sorted((linus, mary)))
    calls = {"single": "493055571600", "multiple": "02214710334", "none": "49891234567",
             "withheld": "anonymous"}
    for match, caller in calls.items():
        assert rig.send({**event("newCall", f"pop-{match}", queue="support"), "from": caller}) == {}
    offers = {offer.match: offer for offer in rig.notifier.offers}
    assert set(offers) == set(calls)
    assert all(offer.agent_ids == support and offer.queue == "support" for offer in offers.values())
    assert (offers["single"].customer_ids, offers["single"].caller) == ((ada,), "+493055571600")
    assert set(offers["multiple"].customer_ids) == {flat_a, flat_b}
    assert (offers["none"].customer_ids, offers["none"].caller) == ((), "+49891234567")
    assert (offers["withheld"].customer_ids, offers["withheld"].caller) == ((), None)
    assert rig.call("pop-single")["customer_id"] == str(ada)  # one match: linked at once
    assert rig.call("pop-multiple")["customer_id"] is None  # several: the agent chooses
    assert rig.call("pop-withheld")["from_address"] is None

    # user names win, then answeringNumber (extension, login, id), then the queue's available agents.
    rig.send(event("newCall", "named", user=["mmajor", "Linus  LEE"], answeringNumber="3001", queue="sales"))
    rig.send(event("newCall", "by-extension", answeringNumber="2002", queue="sales"))
    rig.send(event("newCall", "by-login", answeringNumber="LLee"))
    rig.send(event("newCall", "by-id", answeringNumber=str(mary)))
    rig.send(event("newCall", "by-queue", queue="sales"))
    rig.send(event("newCall", "nobody", queue="billing"))
    offered = {offer.call_id: offer.agent_ids for offer in rig.notifier.offers}
    assert offered["named"] == (mary, linus)
    assert (offered["by-extension"], offered["by-login"], offered["by-id"]) == ((mary,), (linus,), (mary,))
    assert (offered["by-queue"], offered["nobody"]) == ((sam,), ())


def test_repeated_events_store_and_notify_once(rig: Rig) -> None:
    emma = rig.onboard("Emma Taylor", "emma", "support", ("1002",), presence="available")
    before = stored_event_count(rig.container)
    ring = event("newCall", "twice", user="Emma Taylor")
    with ThreadPoolExecutor(4) as pool:  # a PBX retrying while the first request is in flight
        replies = list(pool.map(lambda _: rig.send(ring), range(4)))
    assert replies == [{}] * 4
    rig.clock.advance(seconds=5)
    answer = event("answer", "twice", user="Emma Taylor")
    with ThreadPoolExecutor(3) as pool:
        assert list(pool.map(lambda _: rig.send(answer), range(3))) == [{}] * 3
    rig.clock.advance(seconds=60)
    hangup = event("hangup", "twice", cause="normalClearing")
    with ThreadPoolExecutor(3) as pool:
        assert list(pool.map(lambda _: rig.send(hangup), range(3))) == [{}] * 3
    assert rig.send(hangup) == {}
    call = rig.call("twice")
    assert (call["version"], call["status"], call["wait_seconds"], call["talk_seconds"]) == (
        3, "ended", 5.0, 60.0)
    assert stored_event_count(rig.container) == before + 3
    assert len(rig.notifier.offers) == len(rig.notifier.takes) == len(rig.notifier.ends) == 1
    assert rig.notifier.ends[0].agent_ids == (emma,)


@pytest.mark.parametrize("caller", ["anonymous", "2001"], ids=["withheld", "internal-extension"])
def test_a_caller_with_no_number_to_look_up_is_claimed_and_offered_once(rig: Rig, caller: str) -> None:
    """No lookup, but the same claim: a repeated ring pops and stores nothing more, and the
    hangup reaches the agents the first ring was offered to."""
    emma = rig.onboard("Emma Taylor", "emma", "support", ("1002",), presence="available")
    before = stored_event_count(rig.container)
    ring = {**event("newCall", f"no-number-{caller}", queue="support"), "from": caller}
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(lambda _: rig.send(ring), range(4))) == [{}] * 4
    assert rig.send(event("hangup", f"no-number-{caller}", cause="cancel")) == {}
    assert stored_event_count(rig.container) == before + 2
    [offer] = rig.notifier.offers
    assert (offer.agent_ids, offer.caller, offer.customer_ids) == ((emma,), None, ())
    assert [end.agent_ids for end in rig.notifier.ends] == [(emma,)]
    assert rig.call(f"no-number-{caller}")["status"] == "abandoned"


def test_out_of_order_events_are_ignored_gracefully(rig: Rig) -> None:
    emma = rig.onboard("Emma Taylor", "emma", "support", ("1002",), presence="available")
    rig.send(event("newCall", "late-answer", user="emma"))
    rig.clock.advance(seconds=8)
    assert rig.send(event("hangup", "late-answer", cause="cancel")) == {}
    assert rig.send(event("answer", "late-answer", user="emma")) == {}
    call = rig.call("late-answer")
    assert (call["status"], call["version"], call["wait_seconds"], call["agent_id"]) == (
        "abandoned", 2, 8.0, None)
    assert rig.notifier.takes == []
    assert [e.outcome for e in rig.notifier.ends] == ["abandoned"]

    assert rig.send(event("answer", "answer-first", user="emma")) == {}  # newCall lost in transit
    rig.clock.advance(seconds=30)
    assert rig.send(event("newCall", "answer-first", user="emma")) == {}
    assert rig.send(event("hangup", "answer-first", cause="normalClearing")) == {}
    early = rig.call("answer-first")
    assert (early["status"], early["version"], early["agent_id"]) == ("ended", 3, str(emma))
    assert (early["wait_seconds"], early["talk_seconds"]) == (0.0, 30.0)

    assert rig.send(event("hangup", "hangup-first", cause="noAnswer")) == {}
    assert rig.send(event("newCall", "hangup-first", user="emma")) == {}
    assert rig.call("hangup-first")["status"] == "missed"
    assert [offer.call_id for offer in rig.notifier.offers] == ["late-answer"]  # no pop for over calls


def test_a_ring_racing_its_calls_answer_reads_the_stored_call_and_changes_nothing(rig: Rig) -> None:
    """A ring that claims its call is written without reading it first; when the call's answer
    was stored but not yet marked in ``cti_calls`` (the row removed here to stand for that
    moment), the ring's save conflicts and its retry reads the answered call."""
    rig.onboard("Emma Taylor", "emma", "support", ("1002",))
    assert rig.send(event("answer", "raced", user="emma")) == {}
    with rig.container.cti.store.pool.connection() as conn:
        conn.execute("DELETE FROM cti_calls WHERE call_id = 'raced'")
    before = stored_event_count(rig.container)
    assert rig.send(event("newCall", "raced", user="emma")) == {}
    call = rig.call("raced")
    assert (call["status"], call["version"]) == ("answered", 2)
    assert stored_event_count(rig.container) == before


OUTCOMES = {"normalClearing": "missed", "cancel": "abandoned", "noAnswer": "missed", "busy": "busy",
            "congestion": "missed", "notFound": "missed", "forwarded": "forwarded", "": "missed"}


def test_hangup_cause_outcomes(rig: Rig) -> None:
    rig.onboard("Emma Taylor", "emma", "support", ("1002",))
    for cause, unanswered in OUTCOMES.items():
        hangup = {"cause": cause, "answeringNumber": "+4930901820"}  # where a forwarded call went
        rig.send(event("newCall", f"rung-{cause}", user="emma"))
        rig.send(event("hangup", f"rung-{cause}", **hangup))
        rung = rig.call(f"rung-{cause}")
        assert rung["status"] == unanswered, cause
        assert rung["forwarded_to"] == ("+4930901820" if cause == "forwarded" else None)
        rig.send(event("newCall", f"talked-{cause}", user="emma"))
        rig.send(event("answer", f"talked-{cause}", user="emma"))
        rig.send(event("hangup", f"talked-{cause}", **hangup))
        assert rig.call(f"talked-{cause}")["status"] == "ended", cause


def test_an_answer_naming_no_agent_is_422(rig: Rig) -> None:
    rig.onboard("Emma Taylor", "emma", "support", ("1002",))
    rig.send(event("newCall", "who"))  # offered to nobody
    before = stored_event_count(rig.container)
    problem = rig.send(event("answer", "who", user="Nobody Here"), status=422)
    assert problem["field"] == "user"
    assert (rig.call("who")["status"], stored_event_count(rig.container)) == ("ringing", before)
    rig.send(event("newCall", "sole", user="Emma Taylor"))
    assert rig.send(event("answer", "sole")) == {}  # offered to one agent: that one took it
    assert rig.call("sole")["status"] == "answered"


def backdate_calls(rig: Rig, call_ids: list[str], hours: float) -> None:
    with rig.container.cti.store.pool.connection() as conn:
        conn.execute("UPDATE cti_calls SET created_at = now() - make_interval(hours => %s) "
                     "WHERE call_id = ANY (%s)", (hours, call_ids))


def known_calls(rig: Rig) -> set[str]:
    with rig.container.cti.store.pool.connection() as conn:
        return {str(row[0]) for row in conn.execute("SELECT call_id FROM cti_calls").fetchall()}


def test_calls_past_their_retention_are_forgotten_and_their_late_events_notify_nobody(rig: Rig) -> None:
    rig.onboard("Emma Taylor", "emma", "support", ("1002",), presence="available")
    for call_id in ("old-1", "old-2", "recent"):
        assert rig.send(event("newCall", call_id, user="Emma Taylor")) == {}
    backdate_calls(rig, ["old-1", "old-2"], hours=25)  # the retention is 24 hours
    assert rig.container.cti.forget_old_calls() == 2
    assert known_calls(rig) == {"recent"}
    assert rig.container.cti.forget_old_calls() == 0

    # A late hangup of a forgotten call ends it as ever and tells nobody; the recent one tells.
    ends_before = len(rig.notifier.ends)
    assert rig.send(event("hangup", "old-1", cause="cancel")) == {}
    assert rig.call("old-1")["status"] == "abandoned"
    assert len(rig.notifier.ends) == ends_before
    assert rig.send(event("hangup", "recent", cause="cancel")) == {}
    assert [end.call_id for end in rig.notifier.ends[ends_before:]] == ["recent"]


def test_an_api_process_forgets_old_calls_when_it_starts(
    rig: Rig, pipeline_settings: Settings, services: Endpoints
) -> None:
    rig.onboard("Emma Taylor", "emma", "support", ("1002",), presence="available")
    assert rig.send(event("newCall", "stale", user="Emma Taylor")) == {}
    assert rig.send(event("newCall", "fresh", user="Emma Taylor")) == {}
    backdate_calls(rig, ["stale"], hours=48)
    another = bootstrap(pipeline_settings, services)  # another API process, on the same database
    try:
        with TestClient(create_app(another)):
            wait_for(lambda: known_calls(rig) == {"fresh"}, timeout=30, what="the stale call to be forgotten")
    finally:
        another.close()


def test_every_call_of_a_known_caller_is_theirs_however_it_first_arrives(rig: Rig) -> None:
    """A blocked caller's rejected ring, and calls first seen at their answer or hangup, are
    linked to the caller's customer as a ring is: in their history, and found by an erasure."""
    emma = rig.onboard("Emma Taylor", "emma", "support", ("1002",), presence="available")
    blocked = rig.register("Brenda Blocked", "+49 221 5550199")
    known = rig.register("Ada Lovelace", "+49 30 55571699")
    assert rig.send({**event("newCall", "blocked"), "from": "02215550199"}) == {
        "action": "reject", "reason": "busy"}
    rig.send(event("answer", "answered-first", user="Emma Taylor"))
    rig.send(event("hangup", "hung-up-first", cause="cancel"))
    rig.send({**event("answer", "out-first", user="Emma Taylor"), "direction": "out",
              "from": "1002", "to": "493055571699"})
    assert rig.call("blocked")["customer_id"] == str(blocked)
    for call_id in ("answered-first", "hung-up-first", "out-first"):
        assert rig.call(call_id)["customer_id"] == str(known), call_id
    assert rig.call("answered-first")["agent_id"] == str(emma)


def test_calls_of_an_erased_customer_still_ring_and_end(rig: Rig) -> None:
    """The PBX retries an event until it is taken: a call whose customer was erased records its
    events with their personal fields erased, where an agent's note on it is refused (409)."""
    rig.onboard("Emma Taylor", "emma", "support", ("1002",), presence="available")
    customer = rig.register("Ada Lovelace", "+49 30 55571699")
    rig.send(event("newCall", "erased", user="Emma Taylor"))
    erased = rig.client.post(f"/api/v1/customers/{customer}/erasure", json={"legal_basis": "Art. 17"})
    assert erased.status_code == 200, erased.text
    rig.send(event("hangup", "erased", cause="forwarded", answeringNumber="+4917699999"))
    call = rig.call("erased")
    assert (call["status"], call["forwarded_to"]) == ("forwarded", "[erased]")
    note = rig.client.post(f"/api/v1/interactions/{call['id']}/notes", json={"note": "called back"})
    assert note.status_code == 409, note.text
    assert note.json()["error"] == "SubjectErased"
