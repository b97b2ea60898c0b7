"""Access guards for endpoints that must not be open to every caller."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header, HTTPException

from api.dependencies import get_container
from contact_center.bootstrap import Container


def require_data_protection_officer(
    container: Annotated[Container, Depends(get_container)],
    authorization: Annotated[str | None, Header()] = None,
) -> None:
    """Erasure and access exports need the data-protection bearer token."""
    configured = container.settings.data_protection_token
    if configured is None:
        raise HTTPException(403, "data-protection endpoints are disabled: "
                                 "no SWITCHBOARD_DATA_PROTECTION_TOKEN is configured")
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(401, "a data-protection bearer token is required")
    if not hmac.compare_digest(token.encode(), configured.get_secret_value().encode()):
        raise HTTPException(403, "this token may not use data-protection endpoints")
