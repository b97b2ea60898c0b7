"""One simulation run from start to end: seed the population, stage the run (integration and
tokens), script the calls and play them. Shared by ``switchboard simulate``, the demo and the
screen-pop benchmark."""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from contact_center.bootstrap import Container
from contact_center.simulation.call_mix import CallMix
from contact_center.simulation.call_script import CallScripter
from contact_center.simulation.engine import CallSimulator
from contact_center.simulation.population import Population, build_population
from contact_center.simulation.report import SimulationReport, Tally
from contact_center.simulation.seeding import (
    Progress,
    SeededCallCenter,
    SimulationStage,
    agent_tokens,
    seed_call_center,
    stage_run,
)

TOKEN_MARGIN_SECONDS = 600
MAX_TOKEN_SECONDS = 24 * 3600


@dataclass(frozen=True)
class RunOptions:
    agents: int = 20
    customers: int = 1000
    rate: float = 2.0  # rings per second, Poisson
    duration: float = 60.0  # seconds of ringing; calls under way then end at once
    seed: int = 1  # of the traffic; the population depends only on its name
    population: str = "sim"
    team_size: int = 8
    household_share: float = 0.1  # of customers: sharing a phone number with another
    frozen_share: float = 0.0  # of agents: a socket that never reads
    mix: CallMix = field(default_factory=CallMix)

    def population_of(self) -> Population:
        return build_population(agents=self.agents, customers=self.customers, team_size=self.team_size,
                                shared_share=self.household_share, name=self.population)


@dataclass(frozen=True)
class PreparedRun:
    options: RunOptions
    seeded: SeededCallCenter
    stage: SimulationStage


def prepare(container: Container, options: RunOptions, progress: Progress | None = None) -> PreparedRun:
    seeded = seed_call_center(container, options.population_of(), progress=progress)
    return PreparedRun(options, seeded, stage_run(container, seeded, token_seconds=token_seconds(options)))


def next_round(container: Container, run: PreparedRun) -> PreparedRun:
    """The same call center and integration for another run: new traffic, fresh agent tokens."""
    options = replace(run.options, seed=run.options.seed + 1)
    agents = agent_tokens(container, run.seeded, token_seconds(options))
    return PreparedRun(options, run.seeded, replace(run.stage, agents=agents))


def token_seconds(options: RunOptions) -> int:
    return min(MAX_TOKEN_SECONDS, int(options.duration) + TOKEN_MARGIN_SECONDS)


async def play(simulator: CallSimulator, run: PreparedRun, *, connected: Callable[[int], None] | None = None,
               tally: Tally | None = None) -> SimulationReport:
    options = run.options
    scripter = CallScripter(run.seeded.population, options.mix, random.Random(options.seed),
                            run_id=secrets.token_hex(4))
    return await simulator.run(scripter.calls(options.rate, options.duration), run.stage.agents,
                               options.duration, frozen_share=options.frozen_share, connected=connected,
                               tally=tally)
