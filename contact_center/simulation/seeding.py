"""Storing a simulated call center: its agents (available, with extensions and teams) and its
customers, through the application services, then a CTI integration and agent tokens for a run.

Seeding goes through the services rather than the HTTP API so that thousands of customers take
seconds, not minutes, and so it can create what HTTP does not offer (CTI integrations, agent
tokens without an admin token). Every command carries an idempotency key derived from the
population's name and the person's index: seeding again replays those commands and stores
nothing, and asking for more people later adds only the new ones.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar
from uuid import UUID

from contact_center.bootstrap import Container
from contact_center.commands import CommandContext, WriteResult
from contact_center.customers import RawIdentity
from contact_center.errors import ApplicationError
from contact_center.simulation.engine import SimulatedAgent
from contact_center.simulation.population import Population, SeedAgent, SeedCustomer
from domain.agent_profile import Presence
from domain.customer_details import CustomerDetails, CustomerKind
from domain.identity import IdentityKind
from projections.agent_directory import AgentDirectoryProjection
from projections.identity_lookup import IdentityLookupProjection
from projections.screen_pop_card import ScreenPopCardProjection

ACTOR = "simulator"
# What the CTI webhook reads on a ring: who the agents are, who calls, and the caller's card.
READ_MODELS = tuple(f"{p.name}_v{p.version}" for p in (AgentDirectoryProjection, IdentityLookupProjection,
                                                        ScreenPopCardProjection))
Progress = Callable[[str, int, int], None]  # what, done, total
T = TypeVar("T")


class SeedingFailed(ApplicationError):
    pass


@dataclass(frozen=True)
class SeededCallCenter:
    population: Population
    agent_ids: dict[str, UUID]  # login → agent id
    customer_ids: tuple[UUID, ...]
    stored: int  # commands that stored something (0 when everything was there already)


@dataclass(frozen=True)
class SimulationStage:
    """What one run uses: the integration it posts as, and a token per agent."""

    integration_id: UUID
    integration_name: str
    cti_token: str
    agents: list[SimulatedAgent]


def seed_call_center(container: Container, population: Population, *, progress: Progress | None = None,
                     workers: int = 4, wait_seconds: float = 120.0) -> SeededCallCenter:
    """Store ``population`` (idempotently) and wait until the read models the CTI webhook uses
    (agent directory, identity lookup, screen-pop card) have applied it."""
    key = f"{ACTOR}:{population.name}"
    results: list[WriteResult] = []

    def agent(seed: SeedAgent) -> WriteResult:
        onboarded = container.agents.onboard(
            CommandContext(ACTOR, f"{key}:agent:{seed.index}"), seed.display_name, seed.login,
            seed.team, [seed.extension], ["phone"])
        available = container.agents.change_presence(
            CommandContext(ACTOR, f"{key}:agent:{seed.index}:available"), onboarded.id, Presence.AVAILABLE)
        results.append(available)
        return onboarded

    def customer(seed: SeedCustomer) -> WriteResult:
        details = CustomerDetails(display_name=seed.display_name, given_name=seed.given_name,
                                  family_name=seed.family_name)
        return container.customers.register(
            CommandContext(ACTOR, f"{key}:customer:{seed.index}"), CustomerKind.PERSON, details,
            [RawIdentity(IdentityKind.PHONE, seed.phone), RawIdentity(IdentityKind.EMAIL, seed.email)])

    with ThreadPoolExecutor(workers, thread_name_prefix="seed") as pool:
        agents = _each("agents", pool, agent, population.agents, progress)
        customers = _each("customers", pool, customer, population.customers, progress)
    results += agents + customers
    newest = max((r.position for r in results if r.position is not None), default=0)
    for read_model in READ_MODELS:
        if not container.consistency.positions.wait(read_model, newest, wait_seconds):
            raise SeedingFailed(f"the {read_model} read model did not apply the seeded population within "
                                f"{wait_seconds:.0f} s: are projections running (`switchboard serve`)?")
    agent_ids = {seed.login: result.id for seed, result in zip(population.agents, agents, strict=True)}
    return SeededCallCenter(population, agent_ids, tuple(r.id for r in customers),
                            sum(1 for r in results if not r.replayed))


def _each(what: str, pool: ThreadPoolExecutor, store: Callable[[T], WriteResult], items: tuple[T, ...],
             progress: Progress | None) -> list[WriteResult]:
    results: list[WriteResult] = []
    for done, result in enumerate(pool.map(store, items), start=1):
        results.append(result)
        if progress is not None and (done % 100 == 0 or done == len(items)):
            progress(what, done, len(items))
    return results


def stage_run(container: Container, seeded: SeededCallCenter, *, token_seconds: int) -> SimulationStage:
    """A CTI integration of its own for this run (a token is shown only once, so each run adds
    one) and a token per agent lasting ``token_seconds``."""
    name = f"simulator-{secrets.token_hex(4)}"
    token = container.cti.integrations.add(name)
    integration = container.cti.integrations.authenticate(token)
    if integration is None:
        raise SeedingFailed("the simulator's CTI integration was not stored")
    return SimulationStage(integration.id, name, token, agent_tokens(container, seeded, token_seconds))


def agent_tokens(container: Container, seeded: SeededCallCenter, token_seconds: int) -> list[SimulatedAgent]:
    """A fresh socket token for every seeded agent."""
    return [SimulatedAgent(login, agent_id, container.agent_tokens.tokens.mint(agent_id, token_seconds)[0])
            for login, agent_id in seeded.agent_ids.items()]
