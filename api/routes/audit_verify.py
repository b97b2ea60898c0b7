"""``GET /api/v1/audit/verify`` (auditors and admins): walk the tamper-evident hash chains now and say
whether they hold, as ``switchboard audit verify`` does (docs/audit.md#tamper-evidence).

The walk streams the whole event log in bounded memory; its time grows with the log, so the
audit viewer asks for it on demand rather than on every page load.
"""

from __future__ import annotations

import time
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends

from api.access import allow
from api.dependencies import get_container
from api.schemas.audit_verify import ChainBreakOut, ChainVerificationOut
from contact_center.bootstrap import Container
from contact_center.roles import Role

router = APIRouter(prefix="/api/v1/audit", tags=["audit"], dependencies=[allow(Role.AUDITOR, Role.ADMIN)])


@router.get("/verify", response_model=ChainVerificationOut)
def verify_chain(container: Annotated[Container, Depends(get_container)]) -> ChainVerificationOut:
    """Both hash chains (global and per aggregate) and the signed checkpoints, walked now."""
    started = time.monotonic()
    result = container.chain_verifier.verify()
    broken = result.first_break
    return ChainVerificationOut(
        ok=result.ok, events=result.events, checkpoints=result.checkpoints,
        first_break=None if broken is None else ChainBreakOut.model_validate(asdict(broken)),
        verified_at=datetime.now(UTC), seconds=round(time.monotonic() - started, 3))
