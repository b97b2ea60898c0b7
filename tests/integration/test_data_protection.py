"""Personal data is encrypted per customer at rest, erasable by destroying keys, exportable."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from uuid import UUID, uuid4

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import sql
from pydantic import SecretStr

from adapters.data_keys import master_key_id
from adapters.push_store import OutgoingFrame
from adapters.services.processes import ServiceError
from adapters.services.stack import Endpoints
from api.app import create_app
from contact_center.bootstrap import Container, bootstrap
from contact_center.master_key import generate_master_key
from contact_center.roles import Role
from contact_center.settings import Settings
from tests.conftest import bearer_for, signed_in
from tests.integration.event_counts import stored_event_count

PHONE_RAW, PHONE_E164 = "030 5557 1600", "+493055571600"
EMAIL = "grace.hopper@example.org"
NOTE = "Caller mentioned the pacemaker appointment on Friday"
DPO = bearer_for(Role.ADMIN, "dpo")  # erasure is admin work


@pytest.fixture
def dpo_client(settings_for_test: Settings, services: Endpoints) -> Iterator[tuple[TestClient, Container]]:
    container = bootstrap(settings_for_test, services)
    with TestClient(create_app(container), raise_server_exceptions=False) as client:
        client.headers.update(signed_in(container, Role.SUPERVISOR))  # writes; DPO erases
        yield client, container
    container.close()


def raw_event_bytes(container: Container) -> bytes:
    query = sql.SQL("SELECT state FROM {}.switchboard_events ORDER BY notification_id").format(
        sql.Identifier(container.settings.db_schema))
    with psycopg.connect(container.endpoints.database_url) as conn:
        return b"\n".join(bytes(row[0]) for row in conn.execute(query))


def rich_history(client: TestClient) -> dict[str, str]:
    customer = client.post("/api/v1/customers", json={
        "display_name": "Grace Hopper", "given_name": "Grace", "birth_date": "1906-12-09",
        "identities": [{"kind": "phone", "value": PHONE_RAW}, {"kind": "email", "value": EMAIL}],
    }).json()["id"]
    call = client.post("/api/v1/interactions/calls", json={
        "direction": "inbound", "from_number": PHONE_RAW, "to_number": "+4930123456"}).json()["id"]
    client.post(f"/api/v1/interactions/{call}/link", json={"customer_id": customer})
    client.post(f"/api/v1/interactions/{call}/notes", json={"note": NOTE})
    mail = client.post("/api/v1/interactions", json={
        "channel": "email", "direction": "inbound", "from_address": EMAIL, "subject": "Invoice",
        "body": NOTE, "customer_id": customer}).json()["id"]
    return {"customer": customer, "call": call, "mail": mail}


def test_personal_data_is_ciphertext_at_rest_and_plain_in_the_api(
    dpo_client: tuple[TestClient, Container],
) -> None:
    client, container = dpo_client
    ids = rich_history(client)
    raw = raw_event_bytes(container)
    for secret in (PHONE_E164, PHONE_RAW, "5557", EMAIL, NOTE, "Grace Hopper", "1906-12-09"):
        assert secret.encode() not in raw, secret
    assert ids["customer"].replace("-", "").encode() in raw  # ids stay readable
    customer = client.get(f"/api/v1/customers/{ids['customer']}").json()
    assert customer["display_name"] == "Grace Hopper"
    assert {i["value"] for i in customer["identities"]} == {PHONE_E164, EMAIL}
    assert client.get(f"/api/v1/interactions/{ids['mail']}").json()["body"] == NOTE


def test_access_export_returns_everything_decrypted(dpo_client: tuple[TestClient, Container]) -> None:
    client, _ = dpo_client
    ids = rich_history(client)
    export = client.get(f"/api/v1/customers/{ids['customer']}/personal-data-export", headers=DPO)
    assert export.status_code == 200
    body = export.json()
    assert set(body["aggregates"]) == {ids["customer"], ids["call"], ids["mail"]}
    text = export.text
    for secret in (PHONE_E164, EMAIL, NOTE, "Grace Hopper"):
        assert secret in text
    assert any(e["type"] == "switchboard.interaction.note_added.v1" for e in body["events"])
    log = client.get(f"/api/v1/audit/access-log/{ids['customer']}", headers=DPO)
    assert log.status_code == 200, log.text
    entries = [(e["viewer"], e["what"]) for e in log.json()["entries"]]
    assert entries[:1] == [("admin:dpo", "personal_data_export")]


def test_erasure_shreds_every_copy_and_keeps_the_skeleton(dpo_client: tuple[TestClient, Container]) -> None:
    client, container = dpo_client
    ids = rich_history(client)
    before = stored_event_count(container)
    raw_before = raw_event_bytes(container)
    erased = client.post(f"/api/v1/customers/{ids['customer']}/erasure", headers=DPO,
                         json={"legal_basis": "GDPR Art. 17(1)(a), request 2026-11-20"})
    assert erased.status_code == 200, erased.text
    assert stored_event_count(container) == before + 1
    assert raw_event_bytes(container).startswith(raw_before)  # nothing edited in place

    customer = client.get(f"/api/v1/customers/{ids['customer']}").json()
    assert customer["status"] == "erased"
    assert customer["display_name"] == "[erased]"
    assert customer["identities"] == []
    assert customer["birth_date"] is None
    call = client.get(f"/api/v1/interactions/{ids['call']}").json()
    assert call["from_address"] == "[erased]"  # keyed to the interaction, owned by the customer
    mail = client.get(f"/api/v1/interactions/{ids['mail']}").json()
    assert mail["body"] == "[erased]"
    assert mail["channel"] == "email"  # the skeleton stays readable
    export = client.get(f"/api/v1/customers/{ids['customer']}/personal-data-export", headers=DPO).text
    for secret in (PHONE_E164, EMAIL, NOTE, "Grace Hopper"):
        assert secret not in export
    # A fresh process (no key cache) sees the same.
    fresh = bootstrap(container.settings, container.endpoints)
    try:
        assert fresh.customers.get(fresh_id(ids)).details.display_name == "[erased]"
    finally:
        fresh.close()
    again = client.post(f"/api/v1/customers/{ids['customer']}/consents", json={
        "channel": "email", "purpose": "marketing_email", "granted": True, "source": "x"})
    assert again.status_code == 409


def fresh_id(ids: dict[str, str]) -> UUID:
    return UUID(ids["customer"])


def test_data_protection_endpoints_are_for_admins(dpo_client: tuple[TestClient, Container]) -> None:
    dpo, container = dpo_client
    customer = dpo.post("/api/v1/customers", json={"display_name": "Alan Turing"}).json()["id"]
    url = f"/api/v1/customers/{customer}/erasure"
    body = {"legal_basis": "request by e-mail"}
    before = stored_event_count(container)
    assert dpo.post(url, json=body, headers={"Authorization": ""}).status_code == 401
    assert dpo.post(url, json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert dpo.post(url, json=body).status_code == 403  # a supervisor
    for role in ("agent", "auditor", "integration"):
        assert dpo.post(url, json=body, headers=bearer_for(role)).status_code == 403
        assert dpo.get(f"/api/v1/customers/{customer}/personal-data-export",
                       headers=bearer_for(role)).status_code == 403
    assert dpo.post(url, json={"legal_basis": ""}, headers=DPO).status_code == 422
    assert stored_event_count(container) == before


def test_master_key_rotation_and_wrong_or_missing_keys(
    settings_for_test: Settings, services: Endpoints,
) -> None:
    old_key = settings_for_test.master_key
    assert old_key is not None
    first = bootstrap(settings_for_test, services)
    with TestClient(create_app(first)) as client:
        client.headers.update(signed_in(first, Role.ADMIN))
        customer = client.post("/api/v1/customers", json={"display_name": "Ada"}).json()["id"]
    first.close()

    new_key = generate_master_key()
    wrong = settings_for_test.model_copy(update={"master_key": SecretStr(new_key)})
    with pytest.raises(ServiceError, match="not the one the data keys are wrapped with"):
        bootstrap(wrong, services)
    missing = settings_for_test.model_copy(update={"master_key": None})
    with pytest.raises(ServiceError, match="no master key"):
        bootstrap(missing, services)

    rotating = settings_for_test.model_copy(update={
        "master_key": SecretStr(new_key), "previous_master_keys": old_key})
    container = bootstrap(rotating, services)
    assert container.data_keys.rewrap_all() == 1
    container.close()

    rotated = bootstrap(wrong, services)  # only the new key now
    try:
        assert rotated.customers.get(fresh_id({"customer": customer})).details.display_name == "Ada"
        assert rotated.data_keys.keyring.current_id == master_key_id(base64.b64decode(new_key))
    finally:
        rotated.close()
    with pytest.raises(ServiceError, match="not the one"):
        bootstrap(settings_for_test, services)  # the old key alone no longer opens it


def test_an_erasure_takes_the_customers_screen_pops_out_of_the_replay_window(
        client: TestClient, container: Container) -> None:
    customer = client.post("/api/v1/customers", json={"display_name": "Ada Lovelace"}).json()["id"]
    agent = uuid4()
    store = container.push.store
    named = {"caller": "+493055571600", "candidates": [{"customer_id": customer, "display_name": "Ada"}]}
    store.append([OutgoingFrame(agent, "screen_pop", named),
                  OutgoingFrame(agent, "call_ended", {"call_id": "c-1", "outcome": "ended"})])
    erased = client.post(f"/api/v1/customers/{customer}/erasure", headers=DPO,
                         json={"legal_basis": "Art. 17 request"})
    assert erased.status_code == 200, erased.text
    replay = store.replay(agent, 0)
    assert [frame.kind for frame in replay.frames] == ["call_ended"]
    assert not replay.complete  # a client that missed the pop is told to resync
    assert all(customer not in frame.body for frame in replay.frames)
