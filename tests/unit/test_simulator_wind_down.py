"""The simulator's wind-down: calls still going when the run's duration is over send their
remaining events at once; those requests are counted but kept out of the webhook latency."""

from __future__ import annotations

import asyncio

from contact_center.simulation.call_mix import ANSWERED
from contact_center.simulation.call_script import CallPlan, ScriptedEvent
from contact_center.simulation.engine import CallSimulator
from contact_center.simulation.ports import AgentLine, FrameSink, WebhookReply
from contact_center.simulation.report import Tally


class RecordingPoster:
    def __init__(self) -> None:
        self.sent: list[str] = []

    async def post(self, body: dict[str, object]) -> WebhookReply:
        self.sent.append(str(body["event"]))
        return WebhookReply(200, "{}")

    async def aclose(self) -> None:
        return None


class NoSockets:
    async def open(self, token: str, on_frame: FrameSink, *, reading: bool = True) -> AgentLine:
        raise AssertionError("this run has no agents")

    async def aclose(self) -> None:
        return None


def test_the_wind_down_is_counted_but_left_out_of_the_webhook_latency() -> None:
    call = {"from": "1001", "to": "4930901820", "direction": "out", "callId": "c-1", "user": "emma"}
    plan = CallPlan("c-1", "out", None, "user", ("emma",), ANSWERED, events=(
        ScriptedEvent(0.0, {**call, "event": "newCall"}),
        ScriptedEvent(0.0, {**call, "event": "answer"}),
        ScriptedEvent(3600.0, {**call, "event": "hangup", "cause": "normalClearing"})))  # after the end
    poster, tally = RecordingPoster(), Tally()
    report = asyncio.run(CallSimulator(poster, NoSockets(), grace_seconds=0).run(
        [plan], [], duration=0.05, tally=tally))
    assert poster.sent == ["newCall", "answer", "hangup"]  # the call still ends
    assert len(tally.webhook_seconds) == 2  # on schedule
    assert tally.wind_down_requests == 1
    assert report.requests == 3
