"""Every route says who may use it; nothing is open unless it says so.

A route (HTTP or websocket) declares its roles with ``dependencies=[allow(Role.AGENT, ...)]``
or says ``dependencies=[PUBLIC]``; a router may declare for all its routes. ``create_app``
calls :func:`check_declarations`, which refuses to build an app with a route that declares
nothing (or declares twice), and copies each declaration into the OpenAPI document as
``x-roles``. Credentials come from ``Authorization: Bearer`` only (and, for websockets, whose
browser API cannot set headers, ``?token=``) — never from cookies, so another site cannot make
a browser send them (no CSRF).
"""

from __future__ import annotations

from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, FastAPI, params
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute, APIWebSocketRoute
from starlette.requests import HTTPConnection
from starlette.routing import BaseRoute, Route
from starlette.websockets import WebSocket

from api.problems import problem
from contact_center.access_tokens import InvalidToken, Principal
from contact_center.bootstrap import Container
from contact_center.roles import Role
from contact_center.sign_in import InvalidCredentials, TooManyAttempts
from contact_center.socket_session import TOKEN_REJECTED

FORBIDDEN_CLOSE = 4403
# FastAPI's own documentation pages: readable by anyone, like the OpenAPI document they show.
DOCUMENTATION_PATHS = frozenset({"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"})


class AccessDenied(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def bearer(authorization: str | None) -> str | None:
    scheme, _, token = (authorization or "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def credential(connection: HTTPConnection) -> str | None:
    found = bearer(connection.headers.get("authorization"))
    if found is None and connection.scope["type"] == "websocket":
        found = connection.query_params.get("token") or None
    return found


def current_principal(connection: HTTPConnection) -> Principal:
    """Who the request acts for (401 when it carries no valid credential); once per request."""
    known = getattr(connection.state, "principal", None)
    if isinstance(known, Principal):
        return known
    container = cast(Container, connection.app.state.container)
    try:
        principal = container.sign_in.authenticate(credential(connection))
    except InvalidToken as exc:
        raise AccessDenied(401, exc.message) from exc
    connection.state.principal = principal
    return principal


CurrentUser = Annotated[Principal, Depends(current_principal)]


class RoleGuard:
    """The dependency behind ``allow(...)``. A plain ``def``: FastAPI runs it in the thread
    pool, as signing in with an API key reads the database."""

    def __init__(self, roles: frozenset[Role]) -> None:
        self.roles = roles

    def __call__(self, connection: HTTPConnection) -> None:
        principal = current_principal(connection)
        if principal.role not in self.roles:
            raise AccessDenied(403, f"the {principal.role.value} role may not use this")


class OpenToAll:
    """The dependency behind ``PUBLIC``: checks nothing, and is ``async`` so that FastAPI calls
    it on the event loop: a plain ``def`` would cost every public request (each CTI webhook
    among them) a hop to the thread pool and back."""

    roles = None

    async def __call__(self) -> None:
        return None


def require_own_agent(principal: Principal, agent_id: object) -> None:
    """Agents act on their own agent only; the other roles allowed on the route on any."""
    if principal.role is Role.AGENT and principal.agent_id != agent_id:
        raise AccessDenied(403, "an agent may only do this for themself")


def allow(*roles: Role) -> Any:
    """Declare the roles that may use a route (or every route of a router)."""
    if not roles:
        raise ValueError("allow() needs at least one role; use PUBLIC for open routes")
    return Depends(RoleGuard(frozenset(roles)))


PUBLIC: params.Depends = Depends(OpenToAll())


def routes(app: FastAPI) -> list[Any]:
    """Every route the app serves, with the dependencies its routers' inclusion added."""
    try:
        from fastapi.routing import iter_route_contexts  # routers included lazily (FastAPI ≥ 0.160)
    except ImportError:  # pragma: no cover - older FastAPI lists routes flat
        return list(app.routes)
    return list(iter_route_contexts(app.routes))


def original(route: Any) -> BaseRoute:
    return cast(BaseRoute, getattr(route, "original_route", route))


def declared(route: Any) -> list[frozenset[Role] | None]:
    """The declarations of a route: one each for the roles given, None for PUBLIC."""
    if isinstance(original(route), APIRoute | APIWebSocketRoute):
        return [dep.call.roles for dep in route.dependant.dependencies
                if isinstance(dep.call, RoleGuard | OpenToAll)]
    if isinstance(original(route), Route) and route.path in DOCUMENTATION_PATHS:
        return [None]
    return []


def check_declarations(app: FastAPI) -> None:
    """Refuse an app with a route that does not say exactly once who may use it."""
    served = routes(app)
    wrong = [str(getattr(route, "path", route)) for route in served if len(declared(route)) != 1]
    if wrong:
        raise RuntimeError("routes without exactly one access declaration (allow(...) or PUBLIC, "
                           f"api/access.py): {', '.join(sorted(wrong))}")


def document_roles(router: APIRouter) -> APIRouter:
    """Copy each route's declaration into its OpenAPI operation as ``x-roles`` (before the
    router is included: inclusion copies the operation's extras)."""
    for route in router.routes:
        found = declared(route)
        if isinstance(route, APIRoute) and len(found) == 1:
            roles = found[0]
            route.openapi_extra = {**(route.openapi_extra or {}),
                                   "x-roles": ["public"] if roles is None else sorted(roles)}
    return router


def install_access_handlers(app: FastAPI) -> None:
    @app.exception_handler(AccessDenied)
    async def denied(connection: HTTPConnection, exc: AccessDenied) -> JSONResponse | None:
        title = "Unauthorized" if exc.status == 401 else "Forbidden"
        if isinstance(connection, WebSocket):
            if "websocket.http.response" not in connection.scope.get("extensions", {}):
                # Servers without the denial extension can only close the handshake.
                await connection.close(TOKEN_REJECTED if exc.status == 401 else FORBIDDEN_CLOSE, exc.reason)
                return None
            return problem(exc.status, title, exc.reason)
        response = problem(exc.status, title, exc.reason)
        if exc.status == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.exception_handler(InvalidCredentials)
    async def wrong_credentials(_: HTTPConnection, exc: InvalidCredentials) -> JSONResponse:
        response = problem(401, "Unauthorized", exc.message)
        response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.exception_handler(TooManyAttempts)
    async def too_many(_: HTTPConnection, exc: TooManyAttempts) -> JSONResponse:
        response = problem(429, "Too many requests", exc.message, retry_after=exc.retry_after)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
