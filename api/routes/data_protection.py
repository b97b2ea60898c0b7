"""Data-subject rights: erasure (GDPR Art. 17) and access export (Art. 15)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from api.access import CurrentUser, allow
from api.dependencies import get_container
from api.writes import WriteAccepted, command_context, write_response
from contact_center.access_log import AuditRead
from contact_center.bootstrap import Container
from contact_center.commands import CommandContext
from contact_center.data_protection import DataProtectionService
from contact_center.roles import Role

router = APIRouter(prefix="/api/v1/customers", tags=["data protection"],
                   dependencies=[allow(Role.ADMIN)])


class ErasureRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    legal_basis: str = Field(min_length=3, max_length=500,
                             description="why, e.g. 'GDPR Art. 17(1)(a) request of 2026-11-20'")


class PersonalDataExport(BaseModel):
    customer_id: UUID
    status: str
    exported_at: str
    aggregates: list[UUID]
    events: list[dict[str, Any]]


def data_protection(container: Annotated[Container, Depends(get_container)]) -> DataProtectionService:
    return container.data_protection


Service = Annotated[DataProtectionService, Depends(data_protection)]


@router.post("/{customer_id}/erasure", response_model=WriteAccepted)
def erase_customer(customer_id: UUID, body: ErasureRequest,
                   ctx: Annotated[CommandContext, Depends(command_context)],
                   service: Service) -> JSONResponse:
    """Erase the customer's personal data by destroying its keys; the event skeleton stays."""
    return write_response(service.erase(ctx, customer_id, body.legal_basis))


@router.get("/{customer_id}/personal-data-export", response_model=PersonalDataExport)
def export_personal_data(customer_id: UUID, service: Service, principal: CurrentUser,
                         container: Annotated[Container, Depends(get_container)]) -> PersonalDataExport:
    """Everything held about the customer, decrypted; recorded in the customer's access log
    (``GET /api/v1/audit/access-log/{id}``) before it is answered, as every audit read is."""
    export = PersonalDataExport.model_validate(service.export(customer_id))
    container.audit.access_log.record(AuditRead(principal.actor, "personal_data_export", customer_id))
    return export
