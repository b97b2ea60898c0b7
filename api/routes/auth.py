"""Sign in: a username and password buy a short-lived access token; ``/me`` says who a
credential stands for. Roles and tokens are described in docs/users-and-roles.md."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from api.access import PUBLIC, CurrentUser, allow
from api.dependencies import get_container
from api.schemas.auth import LoginIn, LoginOut, WhoAmIOut
from contact_center.bootstrap import Container
from contact_center.roles import ALL_ROLES

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


@router.post("/login", response_model=LoginOut, dependencies=[PUBLIC], responses={
    401: {"description": "wrong username or password (one message for both)"},
    429: {"description": "too many failed logins for this username from this client; see Retry-After"}})
def login(body: LoginIn, request: Request, response: Response,
          container: Annotated[Container, Depends(get_container)]) -> LoginOut:
    """A JSON body only: form posts are refused, and no cookie is ever set or read."""
    client = request.client.host if request.client else "unknown"
    token, principal = container.sign_in.login(body.username, body.password, client)
    response.headers["Cache-Control"] = "no-store"
    assert principal.expires is not None
    return LoginOut(access_token=token, expires_at=principal.expires, role=principal.role,
                    username=principal.username, agent_id=principal.agent_id)


@router.get("/me", response_model=WhoAmIOut, dependencies=[allow(*ALL_ROLES)])
def me(principal: CurrentUser) -> WhoAmIOut:
    return WhoAmIOut(username=principal.username, role=principal.role, agent_id=principal.agent_id,
                     expires_at=principal.expires)
