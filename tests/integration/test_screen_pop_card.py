"""The screen-pop card through the whole pipeline: API write → relay → Kafka → projection → API read."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import sql

from adapters.services.stack import Endpoints
from contact_center.bootstrap import Container
from contact_center.settings import Settings
from projections.screen_pop_card import card_for
from projections.screen_pop_tables import TABLE_NAMES
from tests.integration.case_requests import new_agent
from tests.integration.read_model_requests import (
    DPO,
    ManualClock,
    clocked_pipeline,
    join_organisation,
    post,
    put,
    run_to_end,
    table_contents,
)

START = datetime(2024, 1, 2, 9, 0, tzinfo=UTC)
INTERACTIONS = "/api/v1/interactions"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def pop(pipeline_settings: Settings, services: Endpoints,
        clock: ManualClock) -> Iterator[tuple[TestClient, Container]]:
    with clocked_pipeline(pipeline_settings, services, clock) as built:
        yield built


@dataclass
class Story:
    """What the scenario wrote, newest contact last, and the position of its last write."""

    ada: str = ""
    acme: str = ""
    agent: str = ""
    other_agent: str = ""
    contacts: list[str] = field(default_factory=list)
    complaint: str = ""
    complaint_opened: datetime = START
    at: int = 0

    def wrote(self, result: tuple[str, int] | int) -> str:
        position = result if isinstance(result, int) else result[1]
        self.at = max(self.at, position)
        return "" if isinstance(result, int) else result[0]


def card(client: TestClient, customer: str, after: int) -> dict[str, Any]:
    response = client.get(f"/api/v1/customers/{customer}/card", params={"min_position": after})
    assert response.status_code == 200, response.text
    return dict(response.json())


def call(client: TestClient, story: Story, clock: ManualClock, customer: str | None,
         *steps: tuple[str, dict[str, Any] | None]) -> str:
    body = {"direction": "inbound", "from_number": "+49 30 5557 1600", "to_number": "+49 40 3003 1234",
            "customer_id": customer}
    interaction = story.wrote(post(client, f"{INTERACTIONS}/calls", body))
    for action, payload in steps:
        clock.advance(minutes=1)
        story.wrote(post(client, f"{INTERACTIONS}/{interaction}/{action}", payload))
    clock.advance(minutes=10)
    return interaction


def log(client: TestClient, story: Story, clock: ManualClock, customer: str, channel: str,
        direction: str = "inbound") -> str:
    body = {"channel": channel, "direction": direction, "customer_id": customer, "subject": "Invoice"}
    interaction = story.wrote(post(client, INTERACTIONS, body))
    clock.advance(minutes=10)
    return interaction


def tell_story(client: TestClient, container: Container, clock: ManualClock) -> Story:
    """An organisation and its member Ada: consent, nine contacts over a hundred days (the last
    from an unknown number, linked afterwards), a resolved request and an open complaint."""
    story = Story(agent=new_agent(client, f"agent-{uuid4().hex[:8]}"),
                  other_agent=new_agent(client, f"other-{uuid4().hex[:8]}"))
    story.acme = story.wrote(post(client, "/api/v1/customers", {
        "kind": "organisation", "display_name": "Acme GmbH", "organisation_name": "Acme GmbH"}))
    story.ada = story.wrote(post(client, "/api/v1/customers", {
        "display_name": "Ada Lovelace", "identities": [{"kind": "phone", "value": "+49 30 5557 1600"}]}))
    story.wrote(join_organisation(container, story.ada, story.acme))
    for channel, purpose, granted in (("email", "marketing_email", True),
                                      ("phone", "marketing_call", True),
                                      ("phone", "marketing_call", False)):
        story.wrote(post(client, f"/api/v1/customers/{story.ada}/consents", {
            "channel": channel, "purpose": purpose, "granted": granted, "source": "call"}))
    # Five e-mails long ago: more than the calls, but outside the preferred channel's 90 days.
    story.contacts += [log(client, story, clock, story.ada, "email") for _ in range(5)]
    clock.advance(days=100)
    story.contacts.append(call(client, story, clock, story.ada, ("answer", {"agent_id": story.agent}),
                               ("end", None), ("wrap-up", {"code": "billing-question"})))
    story.contacts.append(call(client, story, clock, story.ada, ("miss", None)))
    story.contacts.append(log(client, story, clock, story.ada, "sms", direction="outbound"))
    request = story.wrote(post(client, "/api/v1/cases", {
        "kind": "service_request", "category": "delivery", "summary": "where is my parcel",
        "customer_id": story.ada, "first_response_minutes": 30, "resolution_minutes": 240}))
    story.wrote(post(client, f"/api/v1/cases/{request}/resolve", {
        "resolution_code": "delivered", "first_contact_resolution": True}))
    story.complaint_opened = clock.now()
    story.complaint = story.wrote(post(client, "/api/v1/cases", {
        "kind": "complaint", "category": "billing", "priority": "high", "summary": "charged twice",
        "customer_id": story.ada, "first_response_minutes": 60, "resolution_minutes": 480}))
    unknown = call(client, story, clock, None, ("answer", {"agent_id": story.agent}),
                   ("transfer", {"to_agent_id": story.other_agent}), ("end", None))
    story.contacts.append(unknown)
    story.wrote(post(client, f"{INTERACTIONS}/{unknown}/link", {"customer_id": story.ada}))
    return story


def test_card_shows_the_customer_at_a_glance(pop: tuple[TestClient, Container],
                                              clock: ManualClock) -> None:
    client, container = pop
    story = tell_story(client, container, clock)
    shown = card(client, story.ada, story.at)

    assert shown["id"] == shown["requested_id"] == story.ada
    assert (shown["status"], shown["kind"], shown["display_name"]) == ("active", "person", "Ada Lovelace")
    assert shown["organisation"] == {"id": story.acme, "name": "Acme GmbH"}
    assert (shown["segment"], shown["abc_class"], shown["merged_into"]) == (None, None, None)
    assert shown["flags"] == {"vip": False, "has_open_complaint": True}
    assert shown["consents"] == [
        {"channel": "email", "purpose": "marketing_email", "granted": True,
         "recorded_at": "2024-01-02T09:00:00Z"},
        {"channel": "phone", "purpose": "marketing_call", "granted": False,
         "recorded_at": "2024-01-02T09:00:00Z"}]
    [complaint] = shown["open_cases"]
    opened = story.complaint_opened
    assert complaint == {
        "id": story.complaint, "kind": "complaint", "category": "billing", "priority": "high",
        "status": "open", "opened_at": iso(opened), "first_response_due": iso(opened + timedelta(hours=1)),
        "resolution_due": iso(opened + timedelta(hours=8))}

    contacts = shown["last_contacts"]
    assert [c["interaction_id"] for c in contacts] == story.contacts[::-1][:5]
    assert [(c["channel"], c["direction"], c["status"]) for c in contacts] == [
        ("call", "inbound", "ended"), ("sms", "outbound", "open"),
        ("call", "inbound", "missed"), ("call", "inbound", "ended"), ("email", "inbound", "open")]
    assert contacts[0]["agent_id"] == story.other_agent  # the unknown caller, linked later, transferred
    assert (contacts[3]["agent_id"], contacts[3]["outcome"]) == (story.agent, "billing-question")
    assert contacts[0]["started_at"] > contacts[1]["started_at"]
    assert shown["preferred_channel"] == "call"  # five e-mails, but 100 days ago

    # The organisation's new name reaches its member's card.
    at = put(client, f"/api/v1/customers/{story.acme}/details",
             {"display_name": "Acme AG", "organisation_name": "Acme AG"})
    assert card(client, story.ada, at)["organisation"]["name"] == "Acme AG"

    missing = client.get(f"/api/v1/customers/{uuid4()}/card", params={"min_position": at})
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert client.get("/api/v1/customers/not-a-uuid/card").status_code == 422


def test_merge_erasure_and_lookup_names(pop: tuple[TestClient, Container], clock: ManualClock) -> None:
    client, container = pop
    story = tell_story(client, container, clock)
    duplicate = story.wrote(post(client, "/api/v1/customers", {
        "display_name": "A. Lovelace", "identities": [{"kind": "phone", "value": "+49 30 5557 1600"}]}))
    chat = log(client, story, clock, duplicate, "chat")
    response = client.get("/api/v1/lookup", params={"phone": "+493055571600", "min_position": story.at})
    assert response.status_code == 200, response.text
    found = response.json()
    assert found["match"] == "multiple"
    assert sorted(found["candidates"]) == sorted([story.ada, duplicate])
    assert sorted((c["id"], c["display_name"]) for c in found["candidates_detail"]) == sorted(
        [(story.ada, "Ada Lovelace"), (duplicate, "A. Lovelace")])

    story.wrote(post(client, f"/api/v1/customers/{duplicate}/merge", {"survivor_id": story.ada}))
    shown = card(client, duplicate, story.at)
    assert (shown["id"], shown["requested_id"], shown["display_name"]) == (story.ada, duplicate,
                                                                          "Ada Lovelace")
    # The survivor's card includes what happened under the duplicate's id.
    assert shown["last_contacts"][0]["interaction_id"] == chat
    with container.read_store.reading() as tx:
        stored = card_for(tx, UUID(duplicate))
    assert stored is not None
    assert (stored.status, str(stored.merged_into)) == ("merged", story.ada)

    story.wrote(post(client, f"/api/v1/customers/{story.ada}/erasure",
                     {"legal_basis": "Art. 17 request"}, headers=DPO))
    erased = card(client, story.ada, story.at)
    assert erased == {
        "id": story.ada, "requested_id": story.ada, "status": "erased", "merged_into": None,
        "kind": None, "display_name": None, "organisation": None, "segment": None, "abc_class": None,
        "open_cases": [], "last_contacts": [], "preferred_channel": None, "consents": [],
        "flags": {"vip": False, "has_open_complaint": False}}
    assert rows_about(container, story.ada) == {table: 0 for table in TABLE_NAMES}


def test_a_nul_stored_by_an_earlier_version_is_shown_replaced_and_stops_nothing(
        pop: tuple[TestClient, Container], monkeypatch: pytest.MonkeyPatch) -> None:
    client, container = pop
    # Versions before 2026-11-30 stored a NUL in an event's text; this one refuses it.
    monkeypatch.setattr("domain.events.require_storable", lambda value, field: None)
    ada, _ = post(client, "/api/v1/customers", {"display_name": "Ada\u0000Lovelace"})
    monkeypatch.undo()
    grace, at = post(client, "/api/v1/customers", {"display_name": "Grace Hopper"})
    assert card(client, ada, at)["display_name"] == "Ada\ufffdLovelace"
    assert card(client, grace, at)["display_name"] == "Grace Hopper"


def test_rebuild_replays_to_identical_tables(pop: tuple[TestClient, Container],
                                             clock: ManualClock) -> None:
    client, container = pop
    story = tell_story(client, container, clock)
    call(client, story, clock, None, ("miss", None))  # a stranger, never linked
    other = story.wrote(post(client, "/api/v1/customers", {"display_name": "Grace"}))
    story.wrote(post(client, f"/api/v1/customers/{other}/merge", {"survivor_id": story.ada}))
    story.wrote(post(client, f"/api/v1/customers/{story.acme}/erasure",
                     {"legal_basis": "Art. 17 request"}, headers=DPO))
    card(client, story.ada, story.at)
    host = container.projections
    projection = host.get("screen_pop_card")
    host.stop()
    run_to_end(host, projection)  # what the live worker had not applied yet
    live = table_contents(container, TABLE_NAMES)

    host.reset("screen_pop_card")
    assert not any(table_contents(container, TABLE_NAMES).values())
    run_to_end(host, projection)  # a fresh runner, from offset 0
    assert table_contents(container, TABLE_NAMES) == live
    assert len(live["screen_pop_contacts_v1"]) == 5
    assert len(live["screen_pop_unlinked_v1"]) == 1  # the stranger


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def rows_about(container: Container, customer: str) -> dict[str, int]:
    """Rows that still say something about the customer, per table."""
    schema = sql.Identifier(container.settings.db_schema)
    conditions = {table: "customer_id = %s" for table in TABLE_NAMES}
    conditions["screen_pop_unlinked_v1"] = "linked_to = %s"
    conditions["screen_pop_cards_v1"] = ("customer_id = %s AND (status <> 'erased' "
                                         "OR display_name IS NOT NULL OR kind IS NOT NULL)")
    with psycopg.connect(container.endpoints.database_url) as conn:
        return {table: len(conn.execute(
            sql.SQL("SELECT 1 FROM {}.{} WHERE ").format(schema, sql.Identifier(table)) + sql.SQL(condition),
            (customer,)).fetchall()) for table, condition in conditions.items()}
