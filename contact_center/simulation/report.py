"""What a simulation run saw, and its summary: rings offered, pops received, latency, errors."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from contact_center.simulation.call_script import CallPlan, percentile

MAX_ERRORS_KEPT = 50


@dataclass
class Tally:
    """Filled while the run goes: by the call tasks (requests) and the socket readers (frames)."""

    played: list[CallPlan] = field(default_factory=list)  # calls rung, in order
    ring_sent: dict[str, float] = field(default_factory=dict)  # call id → perf_counter before the POST
    expected: dict[str, set[str]] = field(default_factory=dict)  # call id → logins that must get a pop
    pops: dict[tuple[str, str], float] = field(default_factory=dict)  # (call id, login) → seconds
    ended: set[tuple[str, str]] = field(default_factory=set)  # (call id, login) told the call ended
    finished: set[str] = field(default_factory=set)  # calls whose hangup was accepted
    matches: dict[str, str] = field(default_factory=dict)  # call id → match shown in its pop
    frames: Counter[str] = field(default_factory=Counter)  # frame type → count
    unexpected_pops: int = 0
    webhook_seconds: list[float] = field(default_factory=list)  # requests sent on schedule
    wind_down_requests: int = 0  # sent at once after the run's end, to end the calls still going
    statuses: Counter[str] = field(default_factory=Counter)  # planned Interaction outcome → calls
    errors: list[str] = field(default_factory=list)
    error_count: int = 0

    def error(self, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(message)

    def frame(self, login: str, text: str, at: float) -> None:
        try:
            frame = json.loads(text)
        except ValueError:
            self.error(f"{login}: a frame that is not JSON")
            return
        kind = str(frame.get("type"))
        self.frames[kind] += 1
        call_id = str(frame.get("call_id"))
        if kind == "call_ended":
            self.ended.add((call_id, login))
        if kind != "screen_pop":
            return
        sent = self.ring_sent.get(call_id)
        if sent is None or (call_id, login) in self.pops:
            self.unexpected_pops += 1  # not ours (another run's call), or a duplicate
            return
        self.pops[(call_id, login)] = at - sent
        self.matches.setdefault(call_id, str(frame.get("match")))

    def missing(self) -> int:
        """Pops not (yet) received, and ``call_ended`` frames not (yet) received for calls that ended."""
        return sum(1 for call, logins in self.expected.items() for login in logins
                   if (call, login) not in self.pops
                   or (call in self.finished and (call, login) not in self.ended))


@dataclass(frozen=True)
class SimulationReport:
    agents: int
    frozen_agents: int
    seconds: float
    calls: int
    inbound: int
    outbound: int
    requests: int
    pops_expected: int
    pops_received: int
    missed_frames: int
    unexpected_pops: int
    pop_p50_ms: float
    pop_p99_ms: float
    pop_max_ms: float
    webhook_p50_ms: float
    webhook_p99_ms: float
    errors: int
    error_samples: tuple[str, ...]
    expected_matches: dict[str, int]
    seen_matches: dict[str, int]
    wrong_matches: int
    outcomes: dict[str, int]
    frames: dict[str, int]
    sockets_lost: int

    @classmethod
    def of(cls, plans: list[CallPlan], tally: Tally, *, agents: int, frozen: int, seconds: float,
           sockets_lost: int) -> SimulationReport:
        latencies = list(tally.pops.values())
        inbound = [plan for plan in plans if plan.direction == "in"]
        wrong = sum(1 for plan in inbound if plan.call_id in tally.matches
                    and tally.matches[plan.call_id] != plan.match)
        return cls(
            agents=agents, frozen_agents=frozen, seconds=seconds, calls=len(plans), inbound=len(inbound),
            outbound=len(plans) - len(inbound),
            requests=len(tally.webhook_seconds) + tally.wind_down_requests,
            pops_expected=sum(len(logins) for logins in tally.expected.values()),
            pops_received=len(tally.pops), missed_frames=tally.missing(),
            unexpected_pops=tally.unexpected_pops,
            pop_p50_ms=1000 * percentile(latencies, 0.5), pop_p99_ms=1000 * percentile(latencies, 0.99),
            pop_max_ms=1000 * max(latencies, default=float("nan")),
            webhook_p50_ms=1000 * percentile(tally.webhook_seconds, 0.5),
            webhook_p99_ms=1000 * percentile(tally.webhook_seconds, 0.99),
            errors=tally.error_count, error_samples=tuple(tally.errors),
            expected_matches=dict(Counter(str(p.match) for p in inbound if p.call_id in tally.expected)),
            seen_matches=dict(Counter(tally.matches.values())), wrong_matches=wrong,
            outcomes=dict(tally.statuses), frames=dict(tally.frames), sockets_lost=sockets_lost)

    def rows(self) -> list[tuple[str, str]]:
        def counts(values: dict[str, int]) -> str:
            return ", ".join(f"{key} {count}" for key, count in sorted(values.items())) or "-"

        return [
            ("agents (frozen)", f"{self.agents} ({self.frozen_agents})"),
            ("seconds", f"{self.seconds:.1f}"),
            ("calls (in / out)", f"{self.calls} ({self.inbound} / {self.outbound})"),
            ("webhook requests", str(self.requests)),
            ("webhook p50 / p99 ms", f"{self.webhook_p50_ms:.1f} / {self.webhook_p99_ms:.1f}"),
            ("pops expected", str(self.pops_expected)),
            ("pops received", str(self.pops_received)),
            ("missed frames", str(self.missed_frames)),
            ("ring → pop p50 / p99 / max ms",
             f"{self.pop_p50_ms:.1f} / {self.pop_p99_ms:.1f} / {self.pop_max_ms:.1f}"),
            ("match (rung)", counts(self.expected_matches)),
            ("match (seen)", counts(self.seen_matches)),
            ("wrong match", str(self.wrong_matches)),
            ("outcomes", counts(self.outcomes)),
            ("frames", counts(self.frames)),
            ("sockets lost", str(self.sockets_lost)),
            ("errors", str(self.errors)),
        ]
