"""Bulk import of interactions through the HTTP API: all items or none, in one transaction."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi.testclient import TestClient

from contact_center.bootstrap import Container
from contact_center.commands import CommandContext
from domain.customer import Customer
from domain.customer_details import CustomerDetails
from tests.integration.event_counts import stored_event_count
from tests.integration.test_interactions_api import EMAIL, UNKNOWN, assert_problem, register_customer

BATCH = "/api/v1/interactions/batch"


def items(count: int, **fields: Any) -> list[dict[str, Any]]:
    return [{**EMAIL, "subject": f"Invoice {n}", **fields} for n in range(count)]


def test_a_batch_is_stored_in_one_transaction(client: TestClient, container: Container) -> None:
    ada = register_customer(client)
    before = stored_event_count(container)
    response = client.post(BATCH, json={"items": items(3, customer_id=ada)})
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["count"], len(set(body["ids"])), body["replayed"]) == (3, 3, False)
    assert int(response.headers["X-Switchboard-Position"]) == body["position"]
    assert stored_event_count(container) == before + 3
    # One save: the three creation events sit side by side at the end of the log, in item order.
    log = container.app.recorder.select_notifications(body["position"] - 2, 3)
    assert [str(n.originator_id) for n in log] == body["ids"]
    assert log[-1].id == body["position"]
    stored = [client.get(f"/api/v1/interactions/{i}").json() for i in body["ids"]]
    assert [s["subject"] for s in stored] == ["Invoice 0", "Invoice 1", "Invoice 2"]
    assert {s["customer_id"] for s in stored} == {ada}


def test_one_invalid_item_stores_nothing_and_is_named(client: TestClient, container: Container) -> None:
    before = stored_event_count(container)
    batch = items(3)
    batch[1] = {**batch[1], "from_address": "   "}
    problem = assert_problem(client.post(BATCH, json={"items": batch}), 422)
    assert problem["field"] == "items[1].from_address"
    assert problem["detail"].startswith("items[1]: ")
    call = items(2)
    call[1] = {**call[1], "channel": "call"}  # calls ring, they are not logged
    assert assert_problem(client.post(BATCH, json={"items": call}), 422)["field"] == "items[1].channel"
    assert stored_event_count(container) == before


def test_marketing_without_consent_is_refused_for_the_whole_batch(
        client: TestClient, container: Container) -> None:
    ada = register_customer(client)
    before = stored_event_count(container)
    batch = items(2, customer_id=ada, direction="outbound")
    batch[1] = {**batch[1], "purpose": "marketing_email"}
    problem = assert_problem(client.post(BATCH, json={"items": batch}), 409)
    assert (problem["error"], problem["field"]) == ("ConsentMissing", "items[1].purpose")
    assert stored_event_count(container) == before


def test_an_idempotent_retry_returns_the_same_ids(client: TestClient, container: Container) -> None:
    key = {"Idempotency-Key": "import-2024-06-01"}
    first = client.post(BATCH, json={"items": items(3)}, headers=key)
    assert first.status_code == 201, first.text
    count = stored_event_count(container)
    second = client.post(BATCH, json={"items": items(3)}, headers=key)
    assert second.status_code == 200
    assert second.json() == {**first.json(), "replayed": True}
    assert second.headers["X-Switchboard-Position"] == first.headers["X-Switchboard-Position"]
    assert stored_event_count(container) == count
    assert all(client.get(f"/api/v1/interactions/{i}").status_code == 200 for i in first.json()["ids"])
    other = client.post(BATCH, json={"items": items(2)}, headers=key)
    assert assert_problem(other, 422)["title"] == "Idempotency-Key reused"
    assert stored_event_count(container) == count


def test_a_batch_holds_one_to_a_thousand_items(client: TestClient, container: Container) -> None:
    before = stored_event_count(container)
    for size in (0, 1001):
        problem = assert_problem(client.post(BATCH, json={"items": items(size)}), 422)
        assert problem["errors"][0]["field"] == "items"
    assert assert_problem(client.post(BATCH, json={}), 422)["errors"][0]["field"] == "items"
    assert stored_event_count(container) == before


def test_an_unknown_customer_stores_nothing(client: TestClient, container: Container) -> None:
    ada = register_customer(client)
    before = stored_event_count(container)
    batch = items(3, customer_id=ada)
    batch[2] = {**batch[2], "customer_id": UNKNOWN}
    problem = assert_problem(client.post(BATCH, json={"items": batch}), 404)
    assert problem["detail"] == f"no customer with id {UNKNOWN} (items[2].customer_id)"
    assert stored_event_count(container) == before


def test_customers_are_read_from_their_latest_snapshot(client: TestClient, container: Container) -> None:
    ada = UUID(register_customer(client))
    ctx = CommandContext(actor="test")
    for n in range(55):  # a snapshot every 50 versions
        container.customers.update_details(ctx, ada, CustomerDetails(f"Ada {n}"))
    runner = container.interactions.runner
    assert len(runner.recorder.histories([ada])) == 1 + 6  # the snapshot at 50, events 51..56
    loaded = runner.load_many(Customer, [ada, UUID(UNKNOWN)])
    assert list(loaded) == [ada]
    assert (loaded[ada].version, loaded[ada].details) == (56, runner.load(Customer, ada).details)
    response = client.post(BATCH, json={"items": items(2, customer_id=str(ada))})
    assert response.status_code == 201, response.text
