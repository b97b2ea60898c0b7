"""A call center's people, drawn from a seeded random source: teams of agents with extensions,
customers with E.164 phone numbers (some households sharing one), and numbers nobody has.

Pure and determined by the population's name alone: agent and customer ``i`` are the same
whatever the sizes asked for, so seeding again (or seeding more) finds what an earlier run
stored instead of adding to it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

GIVEN = ("Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Dennis", "Barbara", "Ken",
         "Frances", "Tim", "Radia", "Edsger", "Hedy", "John", "Anita", "Niklaus", "Sophie",
         "Konrad", "Emmy", "Claude", "Mary", "Donald", "Lynn", "Carl", "Joan", "Guido", "Shafi")
FAMILY = ("Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Ritchie", "Liskov",
          "Thompson", "Allen", "Berners-Lee", "Perlman", "Dijkstra", "Lamarr", "McCarthy", "Borg",
          "Wirth", "Wilson", "Zuse", "Noether", "Shannon", "Keller", "Knuth", "Conway", "Gauss",
          "Clarke", "Rossum", "Goldwasser", "Schmidt", "Weber", "Fischer", "Becker", "Wagner")
TEAMS = ("support", "sales", "billing", "retention", "onboarding", "claims", "technical", "returns")
EXTENSION_BASE = 20000  # agent i answers on extension 20000 + i
KNOWN_PREFIX = "+49151"  # customers' mobile numbers: +49151 and eight digits
UNKNOWN_PREFIX = "+49152"  # callers nobody has: never seeded
OUR_LINE = "+4930555716"  # our own lines, the `to` of inbound calls; four more digits


@dataclass(frozen=True)
class SeedAgent:
    index: int
    login: str
    display_name: str
    team: str
    extension: str


@dataclass(frozen=True)
class SeedCustomer:
    index: int
    display_name: str
    given_name: str
    family_name: str
    phone: str
    email: str


@dataclass(frozen=True)
class Population:
    """Who exists. ``shared_phones`` are numbers two or more customers have (households);
    ``single_phones`` belong to exactly one customer."""

    name: str
    agents: tuple[SeedAgent, ...]
    customers: tuple[SeedCustomer, ...]
    single_phones: tuple[str, ...]
    shared_phones: tuple[str, ...]

    def team_members(self, team: str) -> tuple[SeedAgent, ...]:
        return tuple(agent for agent in self.agents if agent.team == team)

    @property
    def teams(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(agent.team for agent in self.agents))


def team_name(index: int) -> str:
    base = TEAMS[index % len(TEAMS)]
    return base if index < len(TEAMS) else f"{base}-{index // len(TEAMS) + 1}"


def build_population(*, agents: int, customers: int, team_size: int = 8, shared_share: float = 0.1,
                     name: str = "sim") -> Population:
    """``agents`` agents in teams of about ``team_size``; ``customers`` customers of whom about
    ``shared_share`` live in households that share one phone number (two to three people)."""
    if agents < 1 or customers < 1 or team_size < 1 or not 0 <= shared_share <= 1:
        raise ValueError("a population needs at least one agent, one customer and a team size")
    rng = random.Random(f"{name}:customers")
    seeded_agents = tuple(
        SeedAgent(index=i, login=f"{name}.agent{i:04d}",
                  display_name=f"{GIVEN[i % len(GIVEN)]} {FAMILY[(i // len(GIVEN)) % len(FAMILY)]} {i}",
                  team=team_name(i // team_size), extension=str(EXTENSION_BASE + i))
        for i in range(agents))
    people: list[SeedCustomer] = []
    owners: dict[str, int] = {}
    for i in range(customers):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        household = bool(people) and rng.random() < shared_share and owners[people[-1].phone] < 3
        phone = people[-1].phone if household else f"{KNOWN_PREFIX}{i:08d}"
        if household:
            family = people[-1].family_name  # a household shares a name as well as a line
        owners[phone] = owners.get(phone, 0) + 1
        people.append(SeedCustomer(index=i, display_name=f"{given} {family}", given_name=given,
                                   family_name=family, phone=phone,
                                   email=f"{given}.{family}.{i}@{name}.example".lower()))
    return Population(
        name=name, agents=seeded_agents, customers=tuple(people),
        single_phones=tuple(phone for phone, count in owners.items() if count == 1),
        shared_phones=tuple(phone for phone, count in owners.items() if count > 1))


def unknown_number(rng: random.Random) -> str:
    """A valid mobile number no seeded customer has."""
    return f"{UNKNOWN_PREFIX}{rng.randrange(10**8):08d}"
