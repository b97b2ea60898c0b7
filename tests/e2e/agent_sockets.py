"""Helpers of the agent-socket tests: real ``websockets`` clients of ``switchboard serve``,
frames published from this process through the composition root, and metrics read back."""

from __future__ import annotations

import json
import re
import socket
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from uuid import UUID, uuid4

import httpx
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from contact_center.bootstrap import Container
from contact_center.call_notifications import CallOffered
from contact_center.roles import Role
from tests.conftest import bearer_for

Frame = dict[str, Any]


def ws_url(base: str, **query: object) -> str:
    given = {name: value for name, value in query.items() if value is not None}
    return base.replace("http://", "ws://") + "/ws/agent" + (f"?{urlencode(given)}" if given else "")


def open_socket(base: str, token: str | None, *, last_seq: int | None = None, in_query: bool = False,
                **options: Any) -> ClientConnection:
    headers = {} if token is None or in_query else {"Authorization": f"Bearer {token}"}
    url = ws_url(base, last_seq=last_seq, token=token if in_query else None)
    connection: ClientConnection = connect(url, additional_headers=headers, proxy=None, open_timeout=20,
                                           **options)
    return connection


def slow_socket(base: str, token: str) -> ClientConnection:
    """A client that reads nothing: a tiny receive buffer, one message of client-side queue."""
    host, port = base.removeprefix("http://").rsplit(":", 1)
    raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.connect((host, int(port)))
    return connect(ws_url(base), sock=raw, additional_headers={"Authorization": f"Bearer {token}"},
                   proxy=None, compression=None, max_queue=1, open_timeout=20)


def receive(ws: ClientConnection, timeout: float = 15.0) -> Frame:
    frame: Frame = json.loads(ws.recv(timeout=timeout))
    return frame


def next_frame(ws: ClientConnection, timeout: float = 15.0) -> Frame:
    """The next frame that is not a heartbeat."""
    deadline = time.monotonic() + timeout
    while True:
        frame = receive(ws, max(0.01, deadline - time.monotonic()))
        if frame["type"] != "heartbeat":
            return frame


def started(ws: ClientConnection) -> Frame:
    """The heartbeat that follows any replay: from here on every new frame reaches the socket."""
    frame = receive(ws)
    while frame["type"] != "heartbeat":
        frame = receive(ws)
    return frame


def read_until_closed(ws: ClientConnection, timeout: float = 30.0) -> ConnectionClosed:
    """Read (and drop) frames until the connection closes; returns how it closed."""
    deadline = time.monotonic() + timeout
    try:
        while True:
            ws.recv(timeout=max(0.01, deadline - time.monotonic()))
    except ConnectionClosed as closed:
        return closed


def offer(container: Container, *agents: UUID, call_id: str | None = None, **extra: Any) -> str:
    """Ring an unknown caller for ``agents`` through the container's notifier, as CTI would."""
    call = call_id or f"call-{uuid4().hex[:8]}"
    container.notifier.offered(CallOffered(
        call_id=call, interaction_id=uuid4(), agent_ids=agents, caller="+4930123456", match="none",
        customer_ids=(), extra=extra))
    return call


ADMIN = bearer_for(Role.ADMIN)  # valid in any API process on the test master key


def token_for(publisher: Container, agent: UUID | None = None, ttl: int = 600) -> str:
    return publisher.agent_tokens.tokens.mint(agent or uuid4(), ttl)[0]


class PastClock:
    def now(self) -> datetime:
        return datetime.now(UTC) - timedelta(hours=2)


def write(base: str, path: str, body: dict[str, object]) -> tuple[UUID, int]:
    """POST a command; the id it names (the created one, or the path's) and its position."""
    response = httpx.post(f"{base}{path}", json=body, timeout=30, headers=ADMIN)
    assert response.status_code in (200, 201), response.text
    return UUID(response.json()["id"]), int(response.headers["X-Switchboard-Position"])


def pops_observed(*bases: str) -> float:
    return sum(metric(base, "switchboard_screen_pop_seconds_count") for base in bases)


def metric(base: str, name: str, **labels: str) -> float:
    """The sum of a metric's samples with these labels (0 when absent)."""
    text = httpx.get(f"{base}/metrics", timeout=10).text
    total = 0.0
    for line in text.splitlines():
        match = re.fullmatch(rf"{re.escape(name)}(?:\{{(.*)\}})? (\S+)", line)
        if match and all(f'{key}="{value}"' in (match.group(1) or "") for key, value in labels.items()):
            total += float(match.group(2))
    return total


def wait_until(condition: Callable[[], bool], timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not hold within {timeout:.0f}s")
        time.sleep(0.05)
