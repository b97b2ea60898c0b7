"""Helpers of the supervisor-socket tests: an API served by uvicorn in a thread of the test (so
the test owns its clock), real ``websockets`` clients, and waiting for frames of a type."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import uvicorn
from fastapi import FastAPI
from websockets.sync.client import ClientConnection, connect

from adapters.services.processes import free_loopback_port
from tests.recording_socket import RecordingSocket

Frame = dict[str, Any]


class ShiftedClock:
    """The real time, moved by an offset the test sets (deadlines then fall in real seconds)."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


@contextmanager
def served(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` (lifespan included) on a free loopback port until the block ends."""
    port = free_loopback_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the API did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


def supervisor_socket(base: str, token: str | None, *, in_query: bool = False,
                      **query: str) -> ClientConnection:
    given = {**query, **({"token": token} if in_query and token else {})}
    url = base.replace("http://", "ws://") + "/ws/supervisor" + (f"?{urlencode(given)}" if given else "")
    headers = {"Authorization": f"Bearer {token}"} if token and not in_query else {}
    connection: ClientConnection = connect(url, additional_headers=headers, proxy=None, open_timeout=30)
    return connection


def frame_of(ws: ClientConnection, kind: str, *, timeout: float = 90.0,
             where: Callable[[Frame], bool] = lambda frame: True) -> Frame:
    """The next frame of type ``kind`` that satisfies ``where``; others are read and dropped."""
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"no {kind} frame within {timeout:.0f}s")
        frame: Frame = json.loads(ws.recv(timeout=remaining))
        if frame["type"] == kind and where(frame):
            return frame


def frames_of(ws: ClientConnection, *kinds: str, timeout: float = 90.0) -> dict[str, Frame]:
    """The next frame of each of ``kinds``, in whatever order they come: frames of different
    kinds come from different projections, which apply the same events independently."""
    deadline = time.monotonic() + timeout
    found: dict[str, Frame] = {}
    while len(found) < len(kinds):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"no {sorted(set(kinds) - set(found))} frame within {timeout:.0f}s")
        frame: Frame = json.loads(ws.recv(timeout=remaining))
        if frame["type"] in kinds:
            found.setdefault(frame["type"], frame)
    return found


class StuckSocket(RecordingSocket):
    """A client that reads nothing: the first write never completes."""

    async def send_text(self, data: str) -> None:
        await asyncio.Event().wait()
