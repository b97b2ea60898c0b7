"""Customer commands and the customer's current state."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import JSONResponse

from api.access import CurrentUser, allow
from api.dependencies import get_container
from api.masking import hidden_fields, masked
from api.schemas.customers import (
    AddressIn,
    ConsentIn,
    ConsentOut,
    CustomerCreate,
    CustomerDetailsIn,
    CustomerPublic,
    IdentityIn,
    IdentityOut,
    MergeIn,
)
from api.writes import WriteAccepted, command_context, write_response
from contact_center.bootstrap import Container
from contact_center.commands import CommandContext
from contact_center.customers import CustomerService, RawIdentity
from contact_center.roles import CONTACT_WRITERS, MANAGERS, READERS
from domain.customer import Customer
from domain.customer_details import Address, CustomerDetails

router = APIRouter(prefix="/api/v1/customers", tags=["customers"])
Ctx = Annotated[CommandContext, Depends(command_context)]
WRITE = {"model": WriteAccepted}


def customers(container: Annotated[Container, Depends(get_container)]) -> CustomerService:
    return container.customers


Service = Annotated[CustomerService, Depends(customers)]


def _details(body: CustomerDetailsIn) -> CustomerDetails:
    address = Address(**body.address.model_dump()) if body.address else None
    return CustomerDetails(display_name=body.display_name, given_name=body.given_name,
                           family_name=body.family_name, organisation_name=body.organisation_name,
                           birth_date=body.birth_date, address=address)


def _raw(body: IdentityIn) -> RawIdentity:
    return RawIdentity(body.kind, body.value, body.scope)


@router.post("", dependencies=[allow(*CONTACT_WRITERS)], status_code=201, response_model=WriteAccepted)
def register_customer(body: CustomerCreate, ctx: Ctx, service: Service) -> JSONResponse:
    """Register a person or organisation with its first identities."""
    result = service.register(ctx, body.kind, _details(body), [_raw(i) for i in body.identities])
    return write_response(result, created_at=f"/api/v1/customers/{result.id}")


@router.put("/{customer_id}/details", dependencies=[allow(*CONTACT_WRITERS)], response_model=WriteAccepted,
            responses={403: {"description": "a value for a field hidden from the caller's role"}})
def update_details(customer_id: UUID, body: CustomerDetailsIn, ctx: Ctx, service: Service,
                   principal: CurrentUser) -> JSONResponse:
    """Replace the descriptive details (name, birth date, address). The fields the caller's
    role does not see (docs/users-and-roles.md, "Field masking") keep their stored values:
    send them as null, as they were read, or leave them out; a value for one is refused (403)."""
    hidden = hidden_fields("customer", principal.role) & frozenset(CustomerDetailsIn.model_fields)
    given = sorted(name for name in hidden if getattr(body, name) is not None)
    if given:
        raise HTTPException(403, f"the {principal.role.value} role may not change {', '.join(given)}: "
                                 "it is hidden from that role; send null or leave it out")
    return write_response(service.update_details(ctx, customer_id, _details(body), keep=hidden))


@router.post("/{customer_id}/identities", response_model=WriteAccepted,
             dependencies=[allow(*CONTACT_WRITERS)])
def add_identity(customer_id: UUID, body: IdentityIn, ctx: Ctx, service: Service) -> JSONResponse:
    """Add a phone number (normalised to E.164), e-mail, social handle or external id."""
    return write_response(service.add_identity(ctx, customer_id, _raw(body)))


@router.post("/{customer_id}/identities/remove", response_model=WriteAccepted,
             dependencies=[allow(*CONTACT_WRITERS)])
def remove_identity(customer_id: UUID, body: IdentityIn, ctx: Ctx, service: Service) -> JSONResponse:
    """Remove an identity the customer has."""
    return write_response(service.remove_identity(ctx, customer_id, _raw(body)))


@router.post("/{customer_id}/consents", dependencies=[allow(*CONTACT_WRITERS)], response_model=WriteAccepted)
def record_consent(customer_id: UUID, body: ConsentIn, ctx: Ctx, service: Service) -> JSONResponse:
    """Record a consent decision (granted or withdrawn) for one channel and purpose."""
    result = service.record_consent(ctx, customer_id, body.channel, body.purpose, body.granted,
                                    body.source)
    return write_response(result)


@router.post("/{customer_id}/merge", dependencies=[allow(*MANAGERS)], response_model=WriteAccepted)
def merge_customer(customer_id: UUID, body: MergeIn, ctx: Ctx, service: Service) -> JSONResponse:
    """Merge this duplicate into the survivor (both keep their history)."""
    return write_response(service.merge(ctx, customer_id, body.survivor_id))


@router.post("/{customer_id}/unmerge", dependencies=[allow(*MANAGERS)], response_model=WriteAccepted)
def unmerge_customer(customer_id: UUID, ctx: Ctx, service: Service) -> JSONResponse:
    """Undo a merge of this duplicate."""
    return write_response(service.unmerge(ctx, customer_id))


@router.get("/{customer_id}", dependencies=[allow(*READERS)], response_model=CustomerPublic)
def get_customer(customer_id: UUID, service: Service, principal: CurrentUser) -> JSONResponse:
    """The customer's current state, with the fields the caller's role does not see as null
    (docs/users-and-roles.md, "Field masking")."""
    customer = service.get(customer_id)
    body = masked("customer", customer_public(customer), principal.role)
    return JSONResponse(body.model_dump(mode="json"), headers={"ETag": f'"{customer.version}"'})


def customer_public(customer: Customer) -> CustomerPublic:
    d = customer.details
    return CustomerPublic(
        id=customer.id, version=customer.version, kind=customer.kind, status=customer.status,
        display_name=d.display_name, given_name=d.given_name, family_name=d.family_name,
        organisation_name=d.organisation_name, birth_date=d.birth_date,
        address=AddressIn(**vars(d.address)) if d.address else None,
        identities=[IdentityOut(kind=i.kind, value=i.value, scope=i.scope) for i in customer.identities],
        consents=[ConsentOut(channel=c, purpose=p, granted=r.granted, source=r.source,
                             recorded_at=r.recorded_at) for (c, p), r in customer.consents.items()],
        organisation_id=customer.organisation_id, contact_person_ids=customer.contact_person_ids,
        merged_into=customer.merged_into, absorbed_ids=customer.absorbed_ids,
        created_at=customer.created_on, modified_at=customer.modified_on,
    )
