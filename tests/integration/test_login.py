"""Login: a password buys a short-lived token; wrong ones get one message and a rate limit;
API keys stand for their user until revoked; tokens are never read from cookies."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketDenialResponse

from contact_center.access_tokens import AccessTokens
from contact_center.access_wiring import derived_key
from contact_center.bootstrap import Container
from contact_center.roles import Role
from contact_center.sign_in import WRONG_CREDENTIALS
from tests.conftest import TEST_PASSWORD, AuthHeaders
from tests.integration.case_requests import new_agent


class PastClock:
    def now(self) -> datetime:
        return datetime(2020, 1, 1, tzinfo=UTC)


def login(client: TestClient, username: str, password: str) -> dict[str, object]:
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    return {"status": response.status_code, "body": response.json(), "headers": response.headers}


def test_login_returns_the_contract_and_me_repeats_it(client: TestClient, container: Container) -> None:
    agent = UUID(new_agent(client, "ada"))
    container.users.create("Ada", Role.AGENT, password=TEST_PASSWORD, agent_id=agent, actor="test")
    response = client.post("/api/v1/auth/login", json={"username": "ada", "password": TEST_PASSWORD})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_at", "role", "username", "agent_id"}
    assert (body["token_type"], body["role"], body["username"], body["agent_id"]) == (
        "bearer", "agent", "ada", str(agent))
    assert response.headers["cache-control"] == "no-store"
    assert "set-cookie" not in response.headers
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200, me.text
    assert {**me.json(), "expires_at": None} == {"username": "ada", "role": "agent",
                                                 "agent_id": str(agent), "expires_at": None}
    assert me.json()["expires_at"][:19] == body["expires_at"][:19]
    assert container.users.history("ada")[0].change == "created"


def test_wrong_username_or_password_get_one_message_then_429(client: TestClient,
                                                             container: Container) -> None:
    container.users.create("bob", Role.SUPERVISOR, password=TEST_PASSWORD, actor="test")
    wrong_password = login(client, "bob", "not the password")
    unknown_user = login(client, "nobody", TEST_PASSWORD)
    for answer in (wrong_password, unknown_user):
        assert answer["status"] == 401
        assert answer["body"]["detail"] == WRONG_CREDENTIALS  # type: ignore[index]
    for _ in range(4):
        assert login(client, "bob", "still not it")["status"] == 401
    limited = login(client, "bob", TEST_PASSWORD)  # the right password, but too late
    assert limited["status"] == 429
    assert 1 <= int(limited["headers"]["retry-after"]) <= 60  # type: ignore[index]
    assert "access_token" not in limited["body"]  # type: ignore[operator]
    assert login(client, "nobody", TEST_PASSWORD)["status"] == 401  # counted per username


def test_disabled_users_and_users_without_password_cannot_log_in(client: TestClient,
                                                                   container: Container) -> None:
    container.users.create("pbx", Role.INTEGRATION, actor="test")
    container.users.create("carol", Role.ADMIN, password=TEST_PASSWORD, actor="test")
    container.users.set_active("carol", False, actor="test")
    assert login(client, "pbx", TEST_PASSWORD)["status"] == 401
    assert login(client, "carol", TEST_PASSWORD)["status"] == 401


def test_api_keys_act_as_their_user_until_revoked(client: TestClient, container: Container) -> None:
    container.users.create("pbx", Role.INTEGRATION, actor="test")
    key = container.users.issue_api_key("pbx", actor="test")
    assert key.startswith("sk_")
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {key}"})
    assert me.json() == {"username": "pbx", "role": "integration", "agent_id": None, "expires_at": None}
    container.users.change_role("pbx", Role.AUDITOR, actor="test")
    changed = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {key}"})
    assert changed.json()["role"] == "auditor"
    container.users.revoke_api_key(key[3:19], actor="test")
    revoked = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {key}"})
    assert revoked.status_code == 401
    assert revoked.headers["www-authenticate"] == "Bearer"
    assert [c.change for c in container.users.history("pbx")] == [
        "created", "api_key_issued", "role_changed", "api_key_revoked"]


def test_missing_forged_and_expired_tokens_get_401(client: TestClient, container: Container,
                                                   auth_headers: AuthHeaders) -> None:
    good = auth_headers("auditor")["Authorization"]
    expired, _ = AccessTokens(derived_key(container.data_keys, b"access-tokens"), PastClock(),
                              600).mint("ines", Role.ADMIN, None)
    for headers in ({"Authorization": ""}, {"Authorization": good[:-3] + "abc"},
                    {"Authorization": f"Bearer {expired}"}, {"Authorization": "Basic YWRtaW46YWRtaW4="}):
        response = client.get("/api/v1/auth/me", headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["content-type"] == "application/problem+json"
    assert "expired" in client.get("/api/v1/auth/me",
                                   headers={"Authorization": f"Bearer {expired}"}).json()["detail"]


def test_a_cross_site_form_post_carrying_a_cookie_gets_nothing(client: TestClient,
                                                               auth_headers: AuthHeaders) -> None:
    token = auth_headers("admin")["Authorization"].removeprefix("Bearer ")
    cross_site = {"Origin": "https://attacker.example", "Cookie": f"token={token}; access_token={token}",
                  "Authorization": ""}  # what a browser sends for a form on another site
    me = client.get("/api/v1/auth/me", headers=cross_site)
    assert me.status_code == 401  # cookies are never read
    form = client.post("/api/v1/auth/login", headers=cross_site,
                       data={"username": "admin", "password": TEST_PASSWORD})
    assert form.status_code == 422
    assert "access_token" not in form.text


def test_the_agent_socket_refuses_other_roles_and_anonymous_handshakes(
        client: TestClient, auth_headers: AuthHeaders) -> None:
    supervisor = auth_headers("supervisor")
    with pytest.raises(WebSocketDenialResponse) as refused, \
            client.websocket_connect("/ws/agent", headers=supervisor):
        pass
    assert refused.value.status_code == 403
    with pytest.raises(WebSocketDenialResponse) as anonymous, \
            client.websocket_connect("/ws/agent", headers={"Authorization": ""}):
        pass
    assert anonymous.value.status_code == 401
