"""Plays scripted calls against a running Switchboard: posts each call's CTI events at their
times, holds every agent's socket, and tallies which screen-pops arrived and how fast.

Ring → pop latency runs from just before the ``newCall`` request is sent to the moment the
``screen_pop`` frame is read from the agent's socket, both on this process's
``time.perf_counter()``. When the run's duration is over no new call rings; calls still going
send their remaining events at once, in order, so every call ends. That wind-down is a burst no
PBX would send: its requests are counted, but their times are left out of the webhook latency.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from uuid import UUID

from contact_center.simulation.call_script import CallPlan
from contact_center.simulation.ports import AgentLine, AgentSockets, CtiPoster
from contact_center.simulation.report import SimulationReport, Tally


@dataclass(frozen=True)
class SimulatedAgent:
    login: str
    agent_id: UUID
    token: str  # opens /ws/agent


def frozen_logins(agents: list[SimulatedAgent], share: float) -> set[str]:
    """Every agent whose index crosses a multiple of ``1 / share``: spread evenly, deterministic."""
    return {agent.login for i, agent in enumerate(agents) if int((i + 1) * share) > int(i * share)}


class CallSimulator:
    def __init__(self, poster: CtiPoster, sockets: AgentSockets, *, grace_seconds: float = 10.0,
                 concurrent_opens: int = 50) -> None:
        self.poster = poster
        self.sockets = sockets
        self.grace_seconds = grace_seconds
        self.concurrent_opens = concurrent_opens

    async def run(self, plans: Iterable[CallPlan], agents: list[SimulatedAgent], duration: float, *,
                  frozen_share: float = 0.0, connected: Callable[[int], None] | None = None,
                  tally: Tally | None = None) -> SimulationReport:
        tally = tally or Tally()
        frozen = frozen_logins(agents, frozen_share)
        lines = await self._connect(agents, frozen, tally)
        reading = {login for login in lines if login not in frozen}
        if connected is not None:
            connected(len(lines))
        start = time.perf_counter()
        ending = asyncio.Event()
        try:
            calls: list[asyncio.Task[None]] = []
            for plan in plans:
                if plan.ring.at >= duration:
                    break
                await asyncio.sleep(max(0.0, start + plan.ring.at - time.perf_counter()))
                tally.played.append(plan)
                calls.append(asyncio.create_task(self._call(plan, start, ending, reading, tally)))
            await asyncio.sleep(max(0.0, start + duration - time.perf_counter()))
            ending.set()
            await asyncio.gather(*calls)
            deadline = time.perf_counter() + self.grace_seconds
            while tally.missing() and time.perf_counter() < deadline:
                await asyncio.sleep(0.05)  # frames still on their way
            seconds = time.perf_counter() - start
            lost = sum(1 for line in lines.values() if line.close_code is not None)
        finally:
            await asyncio.gather(*(line.close() for line in lines.values()))
            await self.poster.aclose()  # its connections belong to this run's event loop
        return SimulationReport.of(tally.played, tally, agents=len(agents), frozen=len(frozen),
                                   seconds=seconds, sockets_lost=lost)

    async def _connect(self, agents: list[SimulatedAgent], frozen: set[str],
                       tally: Tally) -> dict[str, AgentLine]:
        gate = asyncio.Semaphore(self.concurrent_opens)
        lines: dict[str, AgentLine] = {}

        async def open_one(agent: SimulatedAgent) -> None:
            def sink(text: str, at: float) -> None:
                tally.frame(agent.login, text, at)

            async with gate:
                try:
                    lines[agent.login] = await self.sockets.open(agent.token, sink,
                                                                 reading=agent.login not in frozen)
                except (OSError, TimeoutError, ValueError) as exc:
                    tally.error(f"socket of {agent.login}: {type(exc).__name__}: {exc}")

        await asyncio.gather(*(open_one(agent) for agent in agents))
        return lines

    async def _call(self, plan: CallPlan, start: float, ending: asyncio.Event, reading: set[str],
                    tally: Tally) -> None:
        pops = plan.direction == "in"
        for index, event in enumerate(plan.events):
            if index:
                await until(start + event.at, ending)
            sent, on_schedule = time.perf_counter(), not ending.is_set()
            if index == 0 and pops:
                tally.ring_sent[plan.call_id] = sent
            reply = await self.poster.post(event.body)
            if on_schedule:
                tally.webhook_seconds.append(time.perf_counter() - sent)
            else:
                tally.wind_down_requests += 1
            if reply.status != 200:
                tally.error(f"{event.body['event']} of {plan.call_id}: {reply.status} {reply.body[:200]}")
                return
            if index == 0 and pops:
                tally.expected[plan.call_id] = set(plan.offered) & reading
        tally.statuses[plan.outcome.status] += 1
        tally.finished.add(plan.call_id)


async def until(when: float, ending: asyncio.Event) -> None:
    """Sleep until ``when`` (perf_counter), or until the run is ending."""
    delay = when - time.perf_counter()
    if delay > 0 and not ending.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(ending.wait(), delay)
