"""What the simulator needs from the outside world: a way to post to the CTI webhook and a way
to hold agent websockets. Implemented over HTTP and websockets in ``adapters/simulator_clients.py``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

FrameSink = Callable[[str, float], None]  # a text frame and time.perf_counter() when it arrived


@dataclass(frozen=True)
class WebhookReply:
    status: int  # HTTP status; 0 when the request never got an answer
    body: str


class CtiPoster(Protocol):
    async def post(self, body: dict[str, object]) -> WebhookReply:
        """Send one event to the webhook; transport failures come back as status 0."""

    async def aclose(self) -> None: ...


class AgentLine(Protocol):
    """One open agent socket."""

    @property
    def close_code(self) -> int | None:
        """Why the server closed it, or None while it is open (or we closed it)."""

    async def close(self) -> None: ...


class AgentSockets(Protocol):
    async def open(self, token: str, on_frame: FrameSink, *, reading: bool = True) -> AgentLine:
        """Connect with an agent token. A reading line passes every frame to ``on_frame`` and
        returns once the first heartbeat has arrived (from then on no frame is missed); a
        non-reading line never reads, like a frozen browser tab."""

    async def aclose(self) -> None: ...
