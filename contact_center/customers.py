"""Customer commands: load, call the domain, save. Business rules live in ``domain.customer``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from uuid import UUID, uuid4

from adapters.clock import Clock
from contact_center.commands import CommandContext, CommandRunner, WriteResult
from contact_center.identity_normalisation import normalise_phone
from domain.consent import ConsentChannel, ConsentPurpose
from domain.customer import Customer
from domain.customer_details import CustomerDetails, CustomerKind, CustomerStatus
from domain.errors import CustomerInactive, InvalidIdentity
from domain.identity import (
    Identity,
    IdentityKind,
    email_identity,
    external_identity,
    phone_identity,
    social_identity,
)


@dataclass(frozen=True)
class RawIdentity:
    """An identity as a client sends it, before normalisation."""

    kind: IdentityKind
    value: str
    scope: str = ""


def current_customer(runner: CommandRunner, customer_id: UUID, field: str = "customer_id",
                     read: Mapping[UUID, Customer] | None = None) -> Customer:
    """The customer a new contact or case names: it must exist (``NotFound``) and be active
    (``CustomerInactive``, 409): a merged duplicate's contacts belong to its survivor, and an
    erased customer takes no new ones. ``read``: customers a batch has read already."""
    customer = (read or {}).get(customer_id) or runner.load(Customer, customer_id)
    if customer.status is CustomerStatus.MERGED:
        raise CustomerInactive(f"customer {customer_id} was merged into {customer.merged_into}: "
                               "name that one", field=field)
    if customer.status is not CustomerStatus.ACTIVE:
        raise CustomerInactive(f"customer {customer_id} is {customer.status}", field=field)
    return customer


class CustomerService:
    def __init__(self, runner: CommandRunner, clock: Clock, default_region: str) -> None:
        self.runner = runner
        self.clock = clock
        self.default_region = default_region

    def identity(self, raw: RawIdentity) -> Identity:
        if raw.kind is IdentityKind.PHONE:
            return phone_identity(normalise_phone(raw.value, self.default_region))
        if raw.kind is IdentityKind.EMAIL:
            return email_identity(raw.value)
        if not raw.scope:
            field = "network" if raw.kind is IdentityKind.SOCIAL else "system"
            raise InvalidIdentity(f"a {raw.kind.value} identity needs a scope", field=field)
        if raw.kind is IdentityKind.SOCIAL:
            return social_identity(raw.scope, raw.value)
        return external_identity(raw.scope, raw.value)

    def register(
        self,
        ctx: CommandContext,
        kind: CustomerKind,
        details: CustomerDetails,
        identities: list[RawIdentity],
    ) -> WriteResult:
        payload = {"kind": kind, "details": asdict(details), "identities": [asdict(i) for i in identities]}

        def work() -> list[Customer]:
            now = self.clock.now()
            customer = Customer.register(id=uuid4(), kind=kind, details=details,
                                         actor=ctx.actor, occurred_at=now)
            for raw in identities:
                customer.add_identity(self.identity(raw), actor=ctx.actor, occurred_at=now)
            return [customer]

        return self.runner.run(ctx, "customer.register", payload, work)

    def update_details(self, ctx: CommandContext, customer_id: UUID, details: CustomerDetails,
                       keep: frozenset[str] = frozenset()) -> WriteResult:
        """Replace the details; the fields named in ``keep`` (hidden from the caller) stay as stored."""
        def work() -> list[Customer]:
            customer = self.get(customer_id, ctx.expected_version)
            kept = replace(details, **{name: getattr(customer.details, name) for name in keep})
            customer.update_details(kept, actor=ctx.actor, occurred_at=self.clock.now())
            return [customer]

        return self.runner.run(ctx, "customer.update_details", [customer_id, asdict(details)], work)

    def add_identity(self, ctx: CommandContext, customer_id: UUID, raw: RawIdentity) -> WriteResult:
        def work() -> list[Customer]:
            customer = self.get(customer_id, ctx.expected_version)
            customer.add_identity(self.identity(raw), actor=ctx.actor, occurred_at=self.clock.now())
            return [customer]

        return self.runner.run(ctx, "customer.add_identity", [customer_id, asdict(raw)], work)

    def remove_identity(self, ctx: CommandContext, customer_id: UUID, raw: RawIdentity) -> WriteResult:
        def work() -> list[Customer]:
            customer = self.get(customer_id, ctx.expected_version)
            customer.remove_identity(self.identity(raw), actor=ctx.actor, occurred_at=self.clock.now())
            return [customer]

        return self.runner.run(ctx, "customer.remove_identity", [customer_id, asdict(raw)], work)

    def record_consent(
        self, ctx: CommandContext, customer_id: UUID, channel: ConsentChannel,
        purpose: ConsentPurpose, granted: bool, source: str,
    ) -> WriteResult:
        def work() -> list[Customer]:
            customer = self.get(customer_id, ctx.expected_version)
            change = customer.grant_consent if granted else customer.withdraw_consent
            change(channel, purpose, source=source, actor=ctx.actor, occurred_at=self.clock.now())
            return [customer]

        payload = [customer_id, channel, purpose, granted, source]
        return self.runner.run(ctx, "customer.record_consent", payload, work)

    def merge(self, ctx: CommandContext, duplicate_id: UUID, survivor_id: UUID) -> WriteResult:
        """Merge ``duplicate_id`` into ``survivor_id``: one event on each, saved together."""
        def work() -> list[Customer]:
            duplicate = self.get(duplicate_id, ctx.expected_version)
            survivor = self.get(survivor_id) if survivor_id != duplicate_id else duplicate
            now = self.clock.now()
            duplicate.merge_into(survivor_id, actor=ctx.actor, occurred_at=now)
            survivor.absorb(duplicate_id, actor=ctx.actor, occurred_at=now)
            return [duplicate, survivor]

        return self.runner.run(ctx, "customer.merge", [duplicate_id, survivor_id], work)

    def unmerge(self, ctx: CommandContext, duplicate_id: UUID) -> WriteResult:
        def work() -> list[Customer]:
            duplicate = self.get(duplicate_id, ctx.expected_version)
            survivor_id = duplicate.merged_into
            now = self.clock.now()
            duplicate.unmerge(actor=ctx.actor, occurred_at=now)
            if survivor_id is None:
                return [duplicate]
            survivor = self.get(survivor_id)
            survivor.release_duplicate(duplicate_id, actor=ctx.actor, occurred_at=now)
            return [duplicate, survivor]

        return self.runner.run(ctx, "customer.unmerge", [duplicate_id], work)

    def get(self, customer_id: UUID, expected_version: int | None = None) -> Customer:
        return self.runner.load(Customer, customer_id, expected_version)
