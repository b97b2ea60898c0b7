"""Audit replay: aggregates as of any instant or version, a customer's history with what each
event changed, and exports that are the Kafka records, on a long history in real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from cloudevents.core.formats.json import JSONFormat
from fastapi.testclient import TestClient

from adapters.cloudevents_envelope import CloudEventsEnvelope
from adapters.event_store import SwitchboardRecorder
from adapters.services.stack import Endpoints
from contact_center.bootstrap import Container
from contact_center.settings import Settings
from tests.conftest import TEST_MASTER_KEY
from tests.integration.audit_requests import (
    ADDRESS,
    AUDITOR,
    T0,
    Expected,
    Story,
    audit_get,
    audited_app,
    export_lines,
    long_history,
    stored_ids,
)
from tests.integration.read_model_requests import ManualClock
from tests.process_helpers import cli_env, run_cli


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def audited(settings_for_test: Settings, services: Endpoints,
            clock: ManualClock) -> Iterator[tuple[TestClient, Container]]:
    with audited_app(settings_for_test, services, clock) as built:
        yield built


@pytest.fixture
def story(audited: tuple[TestClient, Container], clock: ManualClock) -> Story:
    return long_history(audited[0], clock)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_as_of_every_instant_is_the_state_the_test_wrote(
    audited: tuple[TestClient, Container], story: Story,
) -> None:
    client, _ = audited
    assert story.steps[-1].state.version == 54
    for step in story.steps:
        for instant in (step.at, step.at + timedelta(minutes=30)):
            body = audit_get(client, f"customers/{story.customer}", as_of=instant.isoformat())
            assert Expected.of(body) == step.state, instant
            assert at(body["as_of"]) == instant
        by_version = audit_get(client, f"customers/{story.customer}", version=step.state.version)
        assert {**by_version, "as_of": None} == {**body, "as_of": None}  # the forms agree
        assert at(by_version["as_of"]) == step.at
    first = audit_get(client, f"customers/{story.customer}", version=1)
    assert first["display_name"] == "Grace Hopper"
    assert first["identities"] == []  # version 1 alone: registered, its phone added the same instant
    assert at(first["as_of"]) == story.steps[0].at
    before = client.get(f"/api/v1/audit/customers/{story.customer}",
                        params={"as_of": T0.isoformat()}, headers=AUDITOR)
    assert before.status_code == 404
    assert client.get(f"/api/v1/audit/customers/{story.customer}", params={"version": 55},
                      headers=AUDITOR).status_code == 404


def test_cases_interactions_and_agents_as_of(audited: tuple[TestClient, Container], story: Story,
                                             clock: ManualClock) -> None:
    client, _ = audited
    call = story.call
    assert audit_get(client, f"interactions/{call}", version=1)["customer_id"] is None
    linked = audit_get(client, f"interactions/{call}", version=2)
    assert (linked["customer_id"], linked["channel"], linked["notes"]) == (story.customer, "call", [])
    case = audit_get(client, f"cases/{story.case}", as_of=clock.moment.isoformat())
    assert (case["status"], case["customer_id"], case["version"]) == ("open", story.customer, 1)
    agent = client.post("/api/v1/agents", json={"display_name": "Grace", "login": "grace"}).json()["id"]
    clock.advance(hours=1)
    client.post(f"/api/v1/agents/{agent}/rename", json={"display_name": "Grace H."})
    assert audit_get(client, f"agents/{agent}", version=1)["display_name"] == "Grace"
    assert audit_get(client, f"agents/{agent}", as_of=clock.moment.isoformat())["display_name"] == "Grace H."
    assert client.get(f"/api/v1/audit/customers/{story.case}", params={"version": 1},
                      headers=AUDITOR).status_code == 404  # a case is no customer


def test_history_lists_every_event_with_actor_channel_and_what_changed(
    audited: tuple[TestClient, Container], story: Story,
) -> None:
    client, container = audited
    items: list[dict[str, Any]] = []
    cursor = 0
    while True:  # small pages, so pages start on both sides of the snapshot
        page = audit_get(client, f"customers/{story.customer}/history", limit=7, cursor=cursor)
        items += page["items"]
        if page["next_cursor"] is None:
            break
        cursor = page["next_cursor"]
    stored = stored_ids(container, [story.customer, story.call, story.case])
    assert [(i["position"], f"{i['aggregate_id']}:{i['version']}") for i in items] == stored
    customer = {i["version"]: i for i in items if i["aggregate_id"] == story.customer}
    assert customer[1]["actor"] == "agent:ada"
    assert customer[1]["type"] == "switchboard.customer.registered.v1"
    assert customer[1]["changes"]["details.display_name"] == {"before": None, "after": "Grace Hopper"}
    assert customer[3]["changes"] == {
        "consents.email/marketing_email.granted": {"before": None, "after": True},
        "consents.email/marketing_email.source": {"before": None, "after": "web form"},
        "consents.email/marketing_email.recorded_at": {"before": None,
                                                        "after": story.steps[1].at.isoformat()}}
    renamed = {"details.display_name": {"before": "Grace Hopper", "after": "Grace B. Hopper"}}
    addressed = {f"details.address.{k}": {"before": None, "after": v} for k, v in ADDRESS.items()}
    assert customer[4]["changes"] == renamed | addressed
    assert customer[4]["actor"] == "agent:bob"
    assert customer[5]["changes"] == {"absorbed_ids": {"before": [], "after": [story.duplicate]}}
    assert customer[5]["actor"] == "supervisor:dee"
    assert customer[54]["changes"] == {"absorbed_ids": {"before": [story.duplicate], "after": []}}
    assert customer[53]["changes"]["details.display_name"]["after"] == "Grace Hopper (26)"
    assert {i["channel"] for i in items if i["aggregate_id"] == story.call} == {"call"}
    assert {i["channel"] for i in items if i["aggregate_id"] != story.call} == {None}
    link = next(i for i in items if i["type"] == "switchboard.interaction.customer_linked.v1")
    assert link["changes"]["customer_id"] == {"before": None, "after": story.customer}


def test_export_is_the_kafka_records_of_the_customer_in_log_order(
    audited: tuple[TestClient, Container], story: Story, tmp_path: Path,
) -> None:
    client, container = audited
    exported = export_lines(client, customer=story.customer)
    events = [JSONFormat().read(None, line) for line in exported]
    stored = stored_ids(container, [story.customer, story.call, story.case])
    assert [e.get_id() for e in events] == [ident for _, ident in stored]
    recorder = container.app.recorder
    assert isinstance(recorder, SwitchboardRecorder)
    envelope = CloudEventsEnvelope(container.app.mapper.transcoder, container.settings.event_source)
    held = [UUID(story.customer), UUID(story.call), UUID(story.case)]
    assert exported == [envelope.record(n).value for n in recorder.notifications_of(held, 0, 1000)]
    assert b"Grace" not in b"".join(exported)  # personal fields stay ciphertext, as on Kafka
    opened = export_lines(client, customer=story.customer, decrypted="true")
    assert [JSONFormat().read(None, line).get_id() for line in opened] == [e.get_id() for e in events]
    assert b'"display_name":"Grace Hopper (26)"' in b"".join(opened)

    period = {"from": story.steps[2].at.isoformat(), "to": story.steps[3].at.isoformat()}
    window = export_lines(client, **period)
    assert [JSONFormat().read(None, line).get_id() for line in window] == [
        f"{story.customer}:4", f"{story.duplicate}:1"]  # the details update, then the duplicate

    env = cli_env(DATABASE_URL=container.endpoints.database_url,
                  KAFKA_BOOTSTRAP_SERVERS=container.endpoints.kafka_bootstrap_servers,
                  SWITCHBOARD_DB_SCHEMA=container.settings.db_schema, SWITCHBOARD_MASTER_KEY=TEST_MASTER_KEY)
    output = tmp_path / "grace.jsonl"
    done = run_cli("audit", "export", "--customer", story.customer, "--output", str(output),
                   "--viewer", "auditor:cli", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert output.read_bytes().splitlines() == exported
    views = audit_get(client, f"access-log/{story.customer}")["entries"]
    assert [(v["viewer"], v["what"]) for v in views] == [
        ("auditor:ines", "export"), ("auditor:ines", "export"), ("auditor:cli", "export")]
    assert views[1]["query"] == {"customer": story.customer, "decrypted": "true"}
