"""The shape of simulated traffic: who calls, how calls are offered, how they end and how long
they last. Defaults follow typical inbound service desks: about three in four calls answered
after a few seconds' ring, talk times of a few minutes with a long tail, one in eight callers
giving up while it rings."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Outcome:
    cause: str  # the hangup's cause, as a PBX sends it
    answered: bool
    status: str  # what the Interaction ends as (docs/cti.md)


ANSWERED = Outcome("normalClearing", True, "ended")
INBOUND_OUTCOMES: tuple[tuple[Outcome, float], ...] = (
    (ANSWERED, 0.72),
    (Outcome("cancel", False, "abandoned"), 0.12),
    (Outcome("noAnswer", False, "missed"), 0.08),
    (Outcome("busy", False, "busy"), 0.04),
    (Outcome("forwarded", False, "forwarded"), 0.02),
    (Outcome("congestion", False, "missed"), 0.01),
    (Outcome("notFound", False, "missed"), 0.01),
)
OUTBOUND_OUTCOMES: tuple[tuple[Outcome, float], ...] = (
    (ANSWERED, 0.6),
    (Outcome("noAnswer", False, "missed"), 0.25),
    (Outcome("busy", False, "busy"), 0.1),
    (Outcome("cancel", False, "abandoned"), 0.05),
)


def weighted(rng: random.Random, choices: tuple[tuple[Outcome, float], ...]) -> Outcome:
    outcomes = [outcome for outcome, _ in choices]
    chosen: Outcome = rng.choices(outcomes, weights=[weight for _, weight in choices])[0]
    return chosen


@dataclass(frozen=True)
class CallMix:
    outbound_share: float = 0.15
    withheld_share: float = 0.08  # of inbound callers
    unknown_share: float = 0.15  # of callers with a number: nobody has it
    shared_share: float = 0.1  # of known callers: a number several customers share
    queue_share: float = 0.2  # inbound calls offered to a team (queue)
    answering_number_share: float = 0.2  # ... to one agent's extension
    ring_group_share: float = 0.2  # of calls offered by `user`: two or three agents at once
    median_talk_seconds: float = 150.0
    time_scale: float = 1.0  # multiplies ring and talk times: 0.01 plays a 3-minute call in 2 s
    inbound_outcomes: tuple[tuple[Outcome, float], ...] = field(default=INBOUND_OUTCOMES)
    outbound_outcomes: tuple[tuple[Outcome, float], ...] = field(default=OUTBOUND_OUTCOMES)

    def __post_init__(self) -> None:
        shares = (self.outbound_share, self.withheld_share, self.unknown_share, self.shared_share,
                  self.ring_group_share, self.queue_share + self.answering_number_share)
        if not all(0 <= share <= 1 for share in shares) or self.time_scale <= 0:
            raise ValueError("shares must lie between 0 and 1 and the time scale be positive")

    def inbound_outcome(self, rng: random.Random) -> Outcome:
        return weighted(rng, self.inbound_outcomes)

    def outbound_outcome(self, rng: random.Random) -> Outcome:
        return weighted(rng, self.outbound_outcomes)

    def ring_seconds(self, rng: random.Random, outcome: Outcome) -> float:
        """How long it rings before the answer or the hangup (unscaled)."""
        if outcome.answered:
            return 2.0 + rng.expovariate(1 / 6)  # most picked up within 10 s
        if outcome.cause == "cancel":
            return 1.0 + rng.expovariate(1 / 20)  # callers give up after half a minute or so
        if outcome.cause == "noAnswer":
            return rng.uniform(20.0, 30.0)  # the PBX's ring timeout
        return rng.uniform(0.1, 1.0)  # busy, congestion, not found, forwarded: at once

    def talk_seconds(self, rng: random.Random) -> float:
        """Log-normal talk time: a few minutes, a long tail (unscaled)."""
        return max(5.0, rng.lognormvariate(math.log(self.median_talk_seconds), 0.7))
