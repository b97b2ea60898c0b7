"""What each simulated call does, drawn from a seeded random source: when it rings (Poisson
arrivals), who calls, to whom it is offered, and how it ends — as the CTI webhook bodies a PBX
would send, with the seconds after the start of the run at which it sends them.

Pure: the same seed, population and mix always give the same calls.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from contact_center.simulation.call_mix import CallMix, Outcome
from contact_center.simulation.population import OUR_LINE, Population, SeedAgent, unknown_number

Body = dict[str, object]


@dataclass(frozen=True)
class ScriptedEvent:
    at: float  # seconds after the start of the run
    body: Body  # the webhook's JSON body


@dataclass(frozen=True)
class CallPlan:
    """One call. ``match`` is the screen-pop outcome an inbound ring must show (``None`` for
    outbound calls, which pop nothing); ``offered`` the logins of the agents it rings for."""

    call_id: str
    direction: str  # "in" | "out"
    match: str | None  # "none" | "single" | "multiple" | "withheld"
    offer_by: str  # "user" | "answeringNumber" | "queue"
    offered: tuple[str, ...]
    outcome: Outcome
    events: tuple[ScriptedEvent, ...] = field(default=())

    @property
    def ring(self) -> ScriptedEvent:
        return self.events[0]


def poisson_arrivals(rng: random.Random, rate: float, duration: float) -> Iterator[float]:
    """Arrival times in ``[0, duration)`` of a Poisson process with ``rate`` calls per second."""
    if rate <= 0:
        return
    at = rng.expovariate(rate)
    while at < duration:
        yield at
        at += rng.expovariate(rate)


def pbx_digits(e164: str) -> str:
    """How PBXs following Zammad's convention write a number: international digits, no ``+``."""
    return e164.removeprefix("+")


class CallScripter:
    def __init__(self, population: Population, mix: CallMix, rng: random.Random, run_id: str) -> None:
        self.population = population
        self.mix = mix
        self.rng = rng
        self.run_id = run_id
        self.count = 0

    def calls(self, rate: float, duration: float) -> Iterator[CallPlan]:
        for at in poisson_arrivals(self.rng, rate, duration):
            yield self.call(at)

    def call(self, at: float) -> CallPlan:
        self.count += 1
        call_id = f"{self.run_id}-{self.count:06d}"
        if self.rng.random() < self.mix.outbound_share:
            return self._outbound(call_id, at)
        return self._inbound(call_id, at)

    def _inbound(self, call_id: str, at: float) -> CallPlan:
        match, caller = self._caller()
        offer_by, offered = self._offer()
        outcome = self.mix.inbound_outcome(self.rng)
        base: Body = {"from": caller, "to": pbx_digits(f"{OUR_LINE}{self.rng.randrange(10_000):04d}"),
                      "direction": "in", "callId": call_id}
        ring = dict(base, event="newCall")
        if offer_by == "user":
            ring["user"] = [agent.login for agent in offered]
        elif offer_by == "answeringNumber":
            ring["answeringNumber"] = offered[0].extension
        else:
            ring["queue"] = offered[0].team
        taker = self.rng.choice(offered)
        events = self._lifecycle(at, ring, base, outcome, taker)
        return CallPlan(call_id, "in", match, offer_by, tuple(a.login for a in offered), outcome, events)

    def _outbound(self, call_id: str, at: float) -> CallPlan:
        agent = self.rng.choice(self.population.agents)
        _, callee = self._caller(withheld=False)
        outcome = self.mix.outbound_outcome(self.rng)
        base: Body = {"from": agent.extension, "to": callee, "direction": "out", "callId": call_id,
                      "user": agent.login}
        events = self._lifecycle(at, dict(base, event="newCall"), base, outcome, agent)
        return CallPlan(call_id, "out", None, "user", (agent.login,), outcome, events)

    def _lifecycle(self, at: float, ring: Body, base: Body, outcome: Outcome,
                   taker: SeedAgent) -> tuple[ScriptedEvent, ...]:
        scale = self.mix.time_scale
        events = [ScriptedEvent(at, ring)]
        rang = at + scale * self.mix.ring_seconds(self.rng, outcome)
        if outcome.answered:
            who = {"user": taker.login, "answeringNumber": taker.extension}
            events.append(ScriptedEvent(rang, dict(base, event="answer", **who)))
            talk = scale * self.mix.talk_seconds(self.rng)
            events.append(ScriptedEvent(rang + talk, dict(base, event="hangup", cause=outcome.cause, **who)))
        else:
            events.append(ScriptedEvent(rang, dict(base, event="hangup", cause=outcome.cause)))
        return tuple(events)

    def _caller(self, *, withheld: bool = True) -> tuple[str, str]:
        """The expected match and the number a PBX would send for it."""
        draw = self.rng.random()
        if withheld and draw < self.mix.withheld_share:
            return "withheld", "anonymous"
        draw = self.rng.random()
        if draw < self.mix.unknown_share:
            return "none", pbx_digits(unknown_number(self.rng))
        shared = self.population.shared_phones
        if shared and self.rng.random() < self.mix.shared_share:
            return "multiple", pbx_digits(self.rng.choice(shared))
        return "single", pbx_digits(self.rng.choice(self.population.single_phones))

    def _offer(self) -> tuple[str, tuple[SeedAgent, ...]]:
        draw = self.rng.random()
        if draw < self.mix.queue_share:
            team = self.rng.choice(self.population.teams)
            return "queue", self.population.team_members(team)
        if draw < self.mix.queue_share + self.mix.answering_number_share:
            return "answeringNumber", (self.rng.choice(self.population.agents),)
        if self.rng.random() < self.mix.ring_group_share and len(self.population.agents) > 1:
            size = min(len(self.population.agents), self.rng.choice((2, 3)))
            return "user", tuple(self.rng.sample(self.population.agents, size))
        return "user", (self.rng.choice(self.population.agents),)


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..1) of ``values``; NaN when there are none."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]
