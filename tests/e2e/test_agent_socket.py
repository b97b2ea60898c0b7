"""``/ws/agent`` on real ``switchboard serve`` processes with real ``websockets`` clients: tokens,
heartbeats, tabs, resume and resync, slow clients, and frames crossing processes.

Frames are published from this process through its own composition root, against the same
schema: a third process, so every delivery here crosses processes through PostgreSQL."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import ExitStack
from uuid import uuid4

import httpx
import pytest
from fastapi.routing import APIWebSocketRoute
from pydantic import SecretStr
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from adapters.clock import SystemClock
from adapters.services.stack import Endpoints
from api.access import declared, original, routes
from api.app import create_app
from contact_center.access_tokens import AccessTokens
from contact_center.access_wiring import derived_key
from contact_center.agent_tokens import AgentTokens
from contact_center.bootstrap import Container, bootstrap
from contact_center.roles import ALL_ROLES, Role
from contact_center.settings import Settings
from tests.conftest import TEST_MASTER_KEY, bearer_for
from tests.e2e.agent_sockets import (
    ADMIN,
    PastClock,
    metric,
    next_frame,
    offer,
    open_socket,
    pops_observed,
    read_until_closed,
    receive,
    slow_socket,
    started,
    token_for,
    write,
)
from tests.process_helpers import cli_env, run_cli, serving
from tests.schemas import scratch_schema

WINDOW = 20  # frames kept per agent
QUEUE = 16  # frames waiting per socket


@pytest.fixture(scope="module")
def schema(services: Endpoints) -> Iterator[str]:
    with scratch_schema(services.database_url) as name:
        yield name


@pytest.fixture(scope="module")
def env(services: Endpoints, schema: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return cli_env(DATABASE_URL=services.database_url,
                   KAFKA_BOOTSTRAP_SERVERS=services.kafka_bootstrap_servers,
                   SWITCHBOARD_DB_SCHEMA=schema, SWITCHBOARD_TOPIC_PREFIX=schema,
                   SWITCHBOARD_MASTER_KEY=TEST_MASTER_KEY,
                   SWITCHBOARD_DATA_DIR=str(tmp_path_factory.mktemp("data")),
                   SWITCHBOARD_PUSH_HEARTBEAT_SECONDS="0.5", SWITCHBOARD_PUSH_QUEUE_SIZE=str(QUEUE),
                   SWITCHBOARD_PUSH_WINDOW_FRAMES=str(WINDOW), SWITCHBOARD_READ_WAIT_SECONDS="60")


@pytest.fixture(scope="module")
def servers(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """Two API processes on one schema, as behind a load balancer."""
    logs = tmp_path_factory.mktemp("logs")
    with ExitStack() as stack:
        first = stack.enter_context(serving(env, logs / "a.log"))
        second = stack.enter_context(serving(env, logs / "b.log"))
        yield first, second


@pytest.fixture(scope="module")
def publisher(services: Endpoints, schema: str,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    settings = Settings(database_url=services.database_url,
                        kafka_bootstrap_servers=services.kafka_bootstrap_servers, db_schema=schema,
                        topic_prefix=schema, data_dir=tmp_path_factory.mktemp("pub"),
                        master_key=SecretStr(TEST_MASTER_KEY), push_window_frames=WINDOW,
                        read_wait_seconds=60, relay_in_process=False, projections_in_process=False)
    built = bootstrap(settings, services)
    try:
        yield built
    finally:
        built.close()


def test_tokens_are_minted_by_admins_and_required(servers: tuple[str, str], env: dict[str, str],
                                                  publisher: Container) -> None:
    base = servers[0]
    agent, _ = write(base, "/api/v1/agents", {"display_name": "Grace", "login": "grace"})
    url = f"{base}/api/v1/agents/{agent}/token"
    assert httpx.post(url, timeout=30).status_code == 401
    assert httpx.post(url, headers={"Authorization": "Bearer nope"}, timeout=30).status_code == 401
    assert httpx.post(url, headers=bearer_for(Role.SUPERVISOR), timeout=30).status_code == 403
    assert httpx.post(f"{base}/api/v1/agents/{uuid4()}/token", timeout=30, headers=ADMIN).status_code == 404
    assert httpx.post(url, json={"ttl_seconds": "300"}, headers=ADMIN, timeout=30).status_code == 422
    minted = httpx.post(url, json={"ttl_seconds": 300}, headers=ADMIN, timeout=30)
    assert minted.status_code == 201, minted.text
    assert minted.json()["agent_id"] == str(agent)
    assert minted.headers["cache-control"] == "no-store"
    from_cli = run_cli("agents", "token", str(agent), "--ttl", "60", env=env)
    assert from_cli.returncode == 0, from_cli.stderr
    expired = AgentTokens(derived_key(publisher.data_keys, b"agent-tokens"), PastClock(), 60).mint(agent)[0]
    for bad in (None, "forged.1.x", minted.json()["token"][:-2] + "xx", expired):
        with pytest.raises(InvalidStatus) as refused:
            open_socket(base, bad)
        assert refused.value.response.status_code == 401
    with pytest.raises(InvalidStatus) as refused:
        open_socket(base, minted.json()["token"], last_seq=-1)
    assert refused.value.response.status_code == 422  # a bad parameter, named in the problem
    for good, in_query in ((minted.json()["token"], False), (from_cli.stdout.strip(), True)):
        with open_socket(base, good, in_query=in_query) as ws:
            assert receive(ws) == {"type": "heartbeat", "last_seq": 0}
            assert receive(ws, timeout=5) == {"type": "heartbeat", "last_seq": 0}  # after 0.5 s of silence


def test_an_agent_user_created_by_the_cli_logs_in_and_opens_its_socket(
        servers: tuple[str, str], env: dict[str, str]) -> None:
    base = servers[1]
    agent, _ = write(base, "/api/v1/agents", {"display_name": "Hedy", "login": "hedy"})
    created = run_cli("users", "create", "hedy", "--role", "agent", "--agent-id", str(agent),
                      "--password-stdin", env=env, stdin="frequency hopping\n")
    assert created.returncode == 0, created.stderr
    assert created.stdout == ""  # the password came on stdin: nothing secret to print
    login = httpx.post(f"{base}/api/v1/auth/login", timeout=30,
                       json={"username": "hedy", "password": "frequency hopping"})
    assert login.status_code == 200, login.text
    assert (login.json()["role"], login.json()["agent_id"]) == ("agent", str(agent))
    with open_socket(base, login.json()["access_token"], in_query=True) as ws:
        assert receive(ws) == {"type": "heartbeat", "last_seq": 0}
    key = run_cli("users", "api-key", "hedy", env=env)
    assert key.returncode == 0, key.stderr
    assert key.stdout.startswith("sk_")
    with open_socket(base, key.stdout.strip()) as ws:
        assert receive(ws) == {"type": "heartbeat", "last_seq": 0}
    listed = run_cli("users", "list", env=env)
    assert "hedy" in listed.stdout
    assert "agent" in listed.stdout
    taken = run_cli("users", "create", "Hedy", "--role", "admin", env=env)
    assert taken.returncode == 1
    assert "exists" in taken.stdout + taken.stderr


def test_every_websocket_answers_every_role_as_declared(servers: tuple[str, str],
                                                        publisher: Container) -> None:
    """The websocket half of the role matrix (HTTP: tests/integration/test_role_matrix.py),
    generated from the app's routes and run against a real server's handshakes."""
    sockets = [(route.path, declared(route)) for route in routes(create_app(publisher))
               if isinstance(original(route), APIWebSocketRoute)]
    assert "/ws/agent" in {path for path, _ in sockets}
    base = servers[0].replace("http://", "ws://")
    for path, [roles] in sockets:
        assert roles is not None, f"{path}: no websocket is public"
        with pytest.raises(InvalidStatus) as anonymous:
            connect(f"{base}{path}", proxy=None, open_timeout=20)
        assert anonymous.value.response.status_code == 401, path
        for role in ALL_ROLES:
            token = bearer_for(role, agent_id=uuid4() if role is Role.AGENT else None)
            if role in roles:
                with connect(f"{base}{path}", additional_headers=token, proxy=None, open_timeout=20) as ws:
                    ws.ping().wait(10)  # the handshake was accepted and the socket serves
            else:
                with pytest.raises(InvalidStatus) as refused:
                    connect(f"{base}{path}", additional_headers=token, proxy=None, open_timeout=20)
                assert refused.value.response.status_code == 403, (path, role)


def test_a_handshake_with_a_bad_parameter_is_told_which(servers: tuple[str, str]) -> None:
    base = servers[0].replace("http://", "ws://")
    token = bearer_for(Role.AGENT, agent_id=uuid4())
    for query in ("last_seq=-1", "last_seq=abc"):
        with pytest.raises(InvalidStatus) as refused:
            connect(f"{base}/ws/agent?{query}", additional_headers=token, proxy=None, open_timeout=20)
        response = refused.value.response
        assert response.status_code == 422, query
        assert response.headers["content-type"] == "application/problem+json"
        assert json.loads(response.body)["errors"][0]["field"] == "query.last_seq"


def test_an_access_token_expiring_on_an_open_socket_closes_it_with_4401(servers: tuple[str, str],
                                                                          publisher: Container) -> None:
    tokens = AccessTokens(derived_key(publisher.data_keys, b"access-tokens"), SystemClock(), 60)
    token, principal = tokens.mint("ada", Role.AGENT, uuid4(), ttl_seconds=2)

    def read_until_closed() -> None:
        with open_socket(servers[1], token) as ws:
            while True:  # heartbeats every 0.5 s until the token runs out
                ws.recv(timeout=15)

    with pytest.raises(ConnectionClosed) as closed:
        read_until_closed()
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4401, "token expired")
    assert principal.expires_at is not None
    assert time.time() >= principal.expires_at


def test_every_tab_gets_every_frame_and_a_reconnect_resumes(servers: tuple[str, str],
                                                            publisher: Container) -> None:
    base, agent = servers[0], uuid4()
    token = token_for(publisher, agent)
    with open_socket(base, token) as first, open_socket(base, token) as second:
        started(first), started(second)
        assert metric(base, "switchboard_websocket_connections", role="agent") >= 2
        calls = [offer(publisher, agent) for _ in range(3)]
        for tab in (first, second):
            got = [next_frame(tab) for _ in calls]
            assert [(f["type"], f["seq"], f["call_id"]) for f in got] == [
                ("screen_pop", n + 1, call) for n, call in enumerate(calls)]
    missed = [offer(publisher, agent) for _ in range(2)]
    with open_socket(base, token, last_seq=1) as resumed:
        replayed = [next_frame(resumed) for _ in range(4)]
        assert [f["seq"] for f in replayed] == [2, 3, 4, 5]
        assert [f["call_id"] for f in replayed] == [*calls[1:], *missed]
        assert receive(resumed) == {"type": "heartbeat", "last_seq": 5}
        live = offer(publisher, agent)
        assert (next_frame(resumed)["seq"], live) == (6, live)


def test_a_client_behind_the_window_is_told_to_resync(servers: tuple[str, str], publisher: Container) -> None:
    base, agent = servers[0], uuid4()
    for _ in range(WINDOW + 5):
        offer(publisher, agent)
    with open_socket(base, token_for(publisher, agent), last_seq=2) as ws:
        assert receive(ws) == {"type": "resync_required", "last_seq": 2, "current_seq": WINDOW + 5}
        assert receive(ws) == {"type": "heartbeat", "last_seq": WINDOW + 5}
        offer(publisher, agent)
        assert next_frame(ws)["seq"] == WINDOW + 6
    with open_socket(base, token_for(publisher, agent), last_seq=999) as ahead:  # another database's seq
        assert receive(ahead)["type"] == "resync_required"


def test_a_slow_client_is_dropped_and_nobody_waits_for_it(servers: tuple[str, str],
                                                          publisher: Container) -> None:
    base, sluggish, brisk = servers[0], uuid4(), uuid4()
    dropped = metric(base, "switchboard_websocket_slow_clients_dropped_total", role="agent")
    with slow_socket(base, token_for(publisher, sluggish)) as slow, \
            open_socket(base, token_for(publisher, brisk)) as fast:
        started(fast)
        sent = 0
        while metric(base, "switchboard_websocket_slow_clients_dropped_total", role="agent") == dropped:
            assert sent < 2000, "the slow client was never dropped"
            for _ in range(10):  # 16 KB frames: too big for NOTIFY, routed by row id
                offer(publisher, sluggish, padding="x" * 16_000)
            sent += 10
            call = offer(publisher, brisk)
            assert next_frame(fast, timeout=10)["call_id"] == call  # whatever the slow one does
        call = offer(publisher, brisk)
        assert next_frame(fast, timeout=10)["call_id"] == call
        closed = read_until_closed(slow)  # what was buffered, then the server's close frame
        assert closed.rcvd is not None
        assert (closed.rcvd.code, closed.rcvd.reason) == (4408, "too slow")


def test_frames_reach_an_agent_in_whichever_process_holds_the_socket(servers: tuple[str, str],
                                                                     publisher: Container) -> None:
    agent = uuid4()
    token = token_for(publisher, agent)
    with open_socket(servers[0], token) as on_a, open_socket(servers[1], token) as on_b:
        started(on_a), started(on_b)
        call = offer(publisher, agent)
        seen = [next_frame(on_a), next_frame(on_b)]
        assert [(f["seq"], f["call_id"]) for f in seen] == [(1, call), (1, call)]


def test_cli_token_for_an_unknown_agent_fails(env: dict[str, str]) -> None:
    result = run_cli("agents", "token", str(uuid4()), env=env)
    assert result.returncode == 1
    assert "no agent with id" in result.stderr


def test_a_call_through_the_cti_webhook_pops_the_card_then_updates_every_screen(
        servers: tuple[str, str], publisher: Container) -> None:
    a, b = servers
    ada, applied = write(a, "/api/v1/agents", {"display_name": "Ada Byron", "login": "ada"})
    bob, applied = write(a, "/api/v1/agents", {"display_name": "Bob Moog", "login": "bob"})
    margaret, _ = write(a, "/api/v1/customers", {"display_name": "Margaret Hamilton", "identities": [
        {"kind": "phone", "value": "+49 30 5557 1600"}]})
    _, applied = write(a, f"/api/v1/customers/{margaret}/consents", {
        "channel": "phone", "purpose": "service_contact", "granted": True, "source": "contract"})
    for projection in ("agent_directory", "identity_lookup"):
        publisher.consistency.require(publisher.projections.get(projection).full_name, applied)
    card = httpx.get(f"{a}/api/v1/customers/{margaret}/card", params={"min_position": applied}, timeout=30,
                     headers=ADMIN)
    assert card.status_code == 200, card.text
    assert card.json()["consents"], card.json()  # a card with timestamps to compare
    pbx = publisher.cti.integrations.add(f"pbx-{uuid4().hex[:6]}", (), ())
    call = {"from": "+493055571600", "to": "+493099990", "direction": "in", "callId": "call-1"}
    pops = pops_observed(a, b)
    with open_socket(a, token_for(publisher, ada)) as on_a, open_socket(b, token_for(publisher, bob)) as on_b:
        started(on_a), started(on_b)
        ring = httpx.post(f"{b}/api/v1/cti/{pbx}", json={**call, "event": "newCall",
                                                         "user": ["Ada Byron", "Bob Moog"]}, timeout=30)
        assert ring.status_code == 200, ring.text
        for screen in (on_a, on_b):
            pop = next_frame(screen)
            assert (pop["type"], pop["call_id"], pop["caller"], pop["match"]) == (
                "screen_pop", "call-1", "+493055571600", "single")
            assert pop["candidates"] == [{"customer_id": str(margaret), "display_name": "Margaret Hamilton"}]
            assert pop["card"] == card.json()  # the card as GET /customers/{id}/card shows it
        answer = httpx.post(f"{a}/api/v1/cti/{pbx}", json={**call, "event": "answer", "user": "Bob Moog"},
                            timeout=30)
        assert answer.status_code == 200, answer.text
        for screen in (on_a, on_b):
            taken = next_frame(screen)
            assert (taken["type"], taken["agent_id"]) == ("call_taken", str(bob))
        hangup = httpx.post(f"{b}/api/v1/cti/{pbx}", json={**call, "event": "hangup", "user": "Bob Moog",
                                                           "cause": "normalClearing"}, timeout=30)
        assert hangup.status_code == 200, hangup.text
        for screen in (on_a, on_b):
            ended = next_frame(screen)
            assert (ended["type"], ended["outcome"]) == ("call_ended", "ended")
    interaction = httpx.get(f"{a}/api/v1/interactions/{pop['interaction_id']}", timeout=30,
                            headers=ADMIN).json()
    assert (interaction["status"], interaction["agent_id"]) == ("ended", str(bob))
    assert pops_observed(a, b) == pops + 2
