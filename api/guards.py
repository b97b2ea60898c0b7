"""Access guards for endpoints that must not be open to every caller."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header, HTTPException
from pydantic import SecretStr

from api.dependencies import get_container
from contact_center.bootstrap import Container


def _require_bearer(configured: SecretStr | None, authorization: str | None, role: str,
                    variable: str) -> None:
    """Unset token: the endpoints are off (403); no bearer token: 401; another token: 403."""
    if configured is None:
        raise HTTPException(403, f"{role} endpoints are disabled: no {variable} is configured")
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(401, f"a {role} bearer token is required")
    if not hmac.compare_digest(token.encode(), configured.get_secret_value().encode()):
        raise HTTPException(403, f"this token may not use {role} endpoints")


def require_data_protection_officer(
    container: Annotated[Container, Depends(get_container)],
    authorization: Annotated[str | None, Header()] = None,
) -> None:
    """Erasure and access exports need the data-protection bearer token."""
    _require_bearer(container.settings.data_protection_token, authorization, "data-protection",
                    "SWITCHBOARD_DATA_PROTECTION_TOKEN")


def require_admin(
    container: Annotated[Container, Depends(get_container)],
    authorization: Annotated[str | None, Header()] = None,
) -> None:
    """Minting agent tokens needs the admin bearer token."""
    _require_bearer(container.settings.admin_token, authorization, "admin", "SWITCHBOARD_ADMIN_TOKEN")


def require_auditor(
    container: Annotated[Container, Depends(get_container)],
    authorization: Annotated[str | None, Header()] = None,
    x_switchboard_actor: Annotated[str | None, Header(max_length=200)] = None,
) -> str:
    """Audit reads need the auditor bearer token. Returns who reads: the token is shared until
    user roles exist, so the reader names themself in ``X-Switchboard-Actor`` (default
    ``auditor``), and that name goes into the access log."""
    _require_bearer(container.settings.auditor_token, authorization, "audit",
                    "SWITCHBOARD_AUDITOR_TOKEN")
    return (x_switchboard_actor or "").strip() or "auditor"
