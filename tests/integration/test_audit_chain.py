"""Tamper evidence: change, remove, reorder or forge an event directly in PostgreSQL —
`audit verify` names it; an untouched store (erasure included) verifies clean."""

from __future__ import annotations

from uuid import UUID, uuid4

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent
from fastapi.testclient import TestClient
from psycopg import sql

from adapters.hash_chain import GENESIS, event_hash
from contact_center.bootstrap import Container
from contact_center.commands import CommandContext
from tests.conftest import TEST_MASTER_KEY
from tests.process_helpers import cli_env, run_cli


def history(client: TestClient) -> str:
    ada = client.post("/api/v1/customers", json={
        "display_name": "Ada", "identities": [{"kind": "phone", "value": "+493055571600"}]}).json()["id"]
    for n in range(3):
        client.post(f"/api/v1/customers/{ada}/consents", json={
            "channel": "email", "purpose": "marketing_email", "granted": n % 2 == 0, "source": "form"})
    client.post("/api/v1/interactions", json={"channel": "chat", "direction": "inbound",
                                              "body": "hello", "customer_id": ada})
    return str(ada)


def tamper(container: Container, statement: str) -> None:
    with psycopg.connect(container.endpoints.database_url) as conn:
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(container.settings.db_schema)))
        conn.execute(statement.encode())


CHANGE_ONE_BYTE = ("UPDATE switchboard_events SET state = overlay(state placing "
                   "decode(lpad(to_hex((get_byte(state, 10) + 1) % 256), 2, '0'), 'hex') from 11 for 1) "
                   "WHERE notification_id = 3")
DELETE_EVENT = "DELETE FROM switchboard_events WHERE notification_id = 3"
DELETE_EVENT_AND_HASH = ("DELETE FROM switchboard_events WHERE notification_id = 3; "
                         "DELETE FROM event_hashes WHERE notification_id = 3")
SWAP_ORDER = ("UPDATE switchboard_events SET notification_id = -1 WHERE notification_id = 3; "
              "UPDATE switchboard_events SET notification_id = 3 WHERE notification_id = 4; "
              "UPDATE switchboard_events SET notification_id = 4 WHERE notification_id = -1")
FORGE = ("INSERT INTO switchboard_events (originator_id, originator_version, topic, state) "
         "SELECT originator_id, 99, topic, state FROM switchboard_events WHERE notification_id = 2")

CASES: list[tuple[str, str, str]] = [
    ("changed byte", CHANGE_ONE_BYTE, "event changed"),
    ("removed event", DELETE_EVENT, "event removed"),
    ("removed event and its hash", DELETE_EVENT_AND_HASH, "chain broken"),
    ("swapped order", SWAP_ORDER, "event moved"),
    ("forged event", FORGE, "no hash"),
]


@pytest.mark.parametrize(("label", "statement", "problem"), CASES, ids=[c[0] for c in CASES])
def test_verify_names_the_tampered_event(client: TestClient, container: Container, label: str,
                                         statement: str, problem: str) -> None:
    history(client)
    assert container.chain_verifier.verify().ok
    tamper(container, statement)
    result = container.chain_verifier.verify()
    assert result.first_break is not None, label
    assert problem in result.first_break.problem
    assert result.first_break.position in (3, 4, 7, 8, 9, 10)


def test_signed_checkpoint_catches_a_recomputed_chain(client: TestClient, container: Container) -> None:
    """SHA-256 needs no secret: someone who changes an event can recompute every hash after it.
    The HMAC-signed checkpoint is what they cannot recompute."""
    history(client)
    assert container.chain_verifier.sign_checkpoint("test") is not None
    tamper(container, CHANGE_ONE_BYTE)
    recompute_whole_chain(container)
    result = container.chain_verifier.verify()
    assert result.first_break is not None
    assert "signed checkpoint" in result.first_break.problem


def recompute_whole_chain(container: Container) -> None:
    with psycopg.connect(container.endpoints.database_url) as conn:
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(container.settings.db_schema)))
        rows = conn.execute("SELECT notification_id, originator_id, originator_version, topic, state "
                            "FROM switchboard_events ORDER BY notification_id").fetchall()
        previous, last = GENESIS, dict[UUID, bytes]()
        for position, aggregate, version, topic, state in rows:
            aggregate_prev = last.get(aggregate, GENESIS)
            digest = event_hash(previous, aggregate_prev, position, aggregate, version, topic, bytes(state))
            conn.execute("UPDATE event_hashes SET hash = %s, global_prev = %s, aggregate_prev = %s "
                         "WHERE notification_id = %s", (digest, previous, aggregate_prev, position))
            previous = last[aggregate] = digest


def test_erasure_keeps_the_chain_verifiable_and_cli_reports(
    client: TestClient, container: Container,
) -> None:
    ada = history(client)
    container.data_protection.erase(CommandContext(actor="dpo"), UUID(ada), "GDPR Art. 17 request")
    env = cli_env(DATABASE_URL=container.endpoints.database_url,
                  KAFKA_BOOTSTRAP_SERVERS=container.endpoints.kafka_bootstrap_servers,
                  SWITCHBOARD_DB_SCHEMA=container.settings.db_schema,
                  SWITCHBOARD_MASTER_KEY=TEST_MASTER_KEY)
    clean = run_cli("audit", "verify", "--checkpoint", env=env)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "ok:" in clean.stdout
    tamper(container, CHANGE_ONE_BYTE)
    broken = run_cli("audit", "verify", env=env)
    assert broken.returncode == 1
    assert "BROKEN at position 3" in broken.stdout


def test_the_database_hashes_a_batch_as_event_hash_does(container: Container) -> None:
    """Several aggregates' versions in one insert, then more: every stored hash is the Python
    digest of its event on both chains, and a duplicate version stores none of its batch."""
    recorder = container.app.recorder
    first, second = uuid4(), uuid4()
    batch = [StoredEvent(first, 1, "tests.A", b"\x00one"), StoredEvent(second, 1, "tests.B", b"two"),
             StoredEvent(first, 2, "tests.A", "drei ü".encode()), StoredEvent(first, 3, "tests.A", b"")]
    ids = recorder.insert_events(batch)
    assert ids is not None
    assert list(ids) == sorted(ids)
    assert len(ids) == 4
    assert recorder.insert_events([StoredEvent(second, 2, "tests.B", b"more")]) is not None
    with pytest.raises(IntegrityError):  # version 2 of ``first`` exists: nothing of this is kept
        recorder.insert_events([StoredEvent(second, 3, "tests.B", b"lost"),
                                StoredEvent(first, 2, "tests.A", b"x")])
    with psycopg.connect(container.endpoints.database_url) as conn:
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(container.settings.db_schema)))
        rows = conn.execute(
            "SELECT e.notification_id, e.originator_id, e.originator_version, e.topic, e.state, h.hash, "
            "h.global_prev, h.aggregate_prev FROM switchboard_events e JOIN event_hashes h USING "
            "(notification_id) ORDER BY e.notification_id").fetchall()
    assert [(r[1], r[2]) for r in rows] == [(first, 1), (second, 1), (first, 2), (first, 3), (second, 2)]
    previous, last = GENESIS, dict[UUID, bytes]()
    for position, aggregate, version, topic, state, digest, global_prev, aggregate_prev in rows:
        assert (bytes(global_prev), bytes(aggregate_prev)) == (previous, last.get(aggregate, GENESIS))
        expected = event_hash(previous, last.get(aggregate, GENESIS), position, aggregate, version, topic,
                              bytes(state))
        assert bytes(digest) == expected
        previous = last[aggregate] = expected
    assert container.chain_verifier.verify().ok
