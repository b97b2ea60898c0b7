"""The role matrix, generated from the app's own routes: every HTTP route × every role and
anonymous answers as its declaration says (websockets: tests/e2e/test_role_matrix_sockets.py).
A route without a declaration cannot even be served."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute, APIWebSocketRoute
from fastapi.testclient import TestClient
from starlette.concurrency import run_in_threadpool

from api.access import PUBLIC, allow, check_declarations, declared, original, routes
from api.app import create_app
from contact_center.bootstrap import Container
from contact_center.roles import ALL_ROLES, Role
from tests.conftest import AuthHeaders

ANONYMOUS = {"Authorization": ""}


def http_routes(app: FastAPI) -> Iterator[tuple[str, str, frozenset[Role] | None]]:
    for route in routes(app):
        if isinstance(original(route), APIWebSocketRoute):
            continue
        [roles] = declared(route)  # exactly one, or the app would not have been built
        for method in sorted(route.methods - {"HEAD"}):
            yield method, route.path, roles


def concrete(path: str, cti_token: str) -> str:
    """The path with ids that name nothing (404 is an answer too) and the CTI webhook's token,
    which is that route's own authentication."""
    return re.sub(r"\{([^}]+)\}", lambda m: cti_token if m.group(1) == "token" else str(uuid4()), path)


def role_refusal(role: Role) -> str:
    return f"the {role.value} role may not use this"


def test_every_http_route_answers_every_role_as_declared(container: Container, client: TestClient,
                                                         auth_headers: AuthHeaders) -> None:
    headers = {role: auth_headers(role) for role in ALL_ROLES}
    cti_token = container.cti.integrations.add("matrix-pbx")
    checked, wrong = 0, []
    for method, path, roles in http_routes(client.app):  # type: ignore[arg-type]
        url = concrete(path, cti_token)
        body: dict[str, Any] | None = {} if method in ("POST", "PUT", "PATCH") else None
        anonymous = client.request(method, url, json=body, headers=ANONYMOUS)
        if (anonymous.status_code == 401) == (roles is None):
            wrong.append(f"{method} {path} anonymous: {anonymous.status_code}")
        for role in ALL_ROLES:
            response = client.request(method, url, json=body, headers=headers[role])
            refused = response.status_code == 403 and response.json().get("detail") == role_refusal(role)
            allowed = roles is None or role in roles
            if response.status_code == 401 or refused == allowed:
                wrong.append(f"{method} {path} as {role.value}: {response.status_code} {response.text[:80]}")
            checked += 1
    assert not wrong, "\n".join(wrong)
    assert checked >= 5 * 60  # every route of the API, not a handful


def test_a_route_without_a_declaration_is_refused_when_the_app_is_built(container: Container) -> None:
    app = create_app(container)
    check_declarations(app)  # the real app declares everything
    undeclared = APIRouter()

    @undeclared.get("/api/v1/forgotten")
    def forgotten() -> dict[str, str]:
        return {}

    app.include_router(undeclared)
    with pytest.raises(RuntimeError, match="/api/v1/forgotten"):
        check_declarations(app)

    socket = FastAPI()

    @socket.websocket("/ws/forgotten")
    async def forgotten_socket() -> None:
        return None

    twice = FastAPI()

    @twice.get("/twice", dependencies=[PUBLIC, PUBLIC])
    def declared_twice() -> dict[str, str]:
        return {}

    for wrong in (socket, twice):
        with pytest.raises(RuntimeError, match="forgotten|twice"):
            check_declarations(wrong)
    assert any(isinstance(original(r), APIRoute) for r in routes(app))



def test_public_routes_check_nothing_on_a_worker_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """``PUBLIC`` is awaited on the event loop; only ``allow(...)``, which may read the
    database for an API key, is run in the thread pool."""
    hops: list[str] = []

    async def counted(func: Any, *args: Any, **kwargs: Any) -> Any:
        hops.append(type(func).__name__)
        return await run_in_threadpool(func, *args, **kwargs)

    monkeypatch.setattr("fastapi.dependencies.utils.run_in_threadpool", counted)
    app = FastAPI()
    app.state.container = None
    router = APIRouter()

    @router.get("/open", dependencies=[PUBLIC])
    async def open_to_all() -> dict[str, str]:
        return {}

    @router.get("/agents-only", dependencies=[allow(Role.AGENT)])
    async def agents_only() -> dict[str, str]:
        return {}

    app.include_router(router)
    with TestClient(app, raise_server_exceptions=False) as local:  # no container: only hops count
        assert local.get("/open").status_code == 200
        assert hops == []
        local.get("/agents-only", headers={"Authorization": "Bearer x"})
        assert hops == ["RoleGuard"]
