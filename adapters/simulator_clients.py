"""The call simulator's clients: the CTI webhook over HTTP (httpx) and agent sockets over
websockets, as a PBX and agents' browsers would use them (see contact_center/simulation/ports.py)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time
from urllib.parse import urlsplit

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from contact_center.simulation.ports import FrameSink, WebhookReply

# httpx logs every request's URL at INFO, and a webhook URL's path is its integration's secret.
logging.getLogger("httpx").setLevel(logging.WARNING)


class HttpCtiPoster:
    """Posts JSON events to ``<base_url>/api/v1/cti/<token>`` over a pool of keep-alive connections."""

    def __init__(self, base_url: str, token: str, *, connections: int = 64, timeout: float = 30.0) -> None:
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        # No limit on waiting for a pooled connection: a PBX queues its events behind a slow server,
        # so a saturated server shows as latency rather than as failed requests.
        self.client = httpx.AsyncClient(base_url=base_url, limits=limits, trust_env=False,
                                        timeout=httpx.Timeout(timeout, pool=None))
        self.path = f"/api/v1/cti/{token}"

    async def post(self, body: dict[str, object]) -> WebhookReply:
        try:
            try:
                response = await self.client.post(self.path, json=body)
            except (httpx.ReadError, httpx.RemoteProtocolError):
                # The server closed a kept-alive connection as we reused it. CTI events are
                # idempotent (a repeat stores nothing), so send once more, as a PBX would.
                response = await self.client.post(self.path, json=body)
        except httpx.HTTPError as exc:
            return WebhookReply(0, f"{type(exc).__name__}: {exc}")
        return WebhookReply(response.status_code, response.text)

    async def aclose(self) -> None:
        await self.client.aclose()


class WebsocketLine:
    def __init__(self, connection: ClientConnection, reader: asyncio.Task[None] | None) -> None:
        self.connection = connection
        self.reader = reader
        self.closed_by_us = False

    @property
    def close_code(self) -> int | None:
        if self.closed_by_us:
            return None
        return self.connection.close_code

    async def close(self) -> None:
        self.closed_by_us = True
        with contextlib.suppress(ConnectionClosed, OSError):
            await asyncio.wait_for(self.connection.close(), timeout=5)
        if self.reader is not None:
            self.reader.cancel()
            await asyncio.gather(self.reader, return_exceptions=True)


class WebsocketAgentSockets:
    """Opens ``/ws/agent`` sockets on the server at ``base_url``."""

    def __init__(self, base_url: str, *, open_timeout: float = 30.0) -> None:
        parts = urlsplit(base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        self.url = f"{scheme}://{parts.netloc}/ws/agent"
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or (443 if scheme == "wss" else 80)
        self.open_timeout = open_timeout

    async def open(self, token: str, on_frame: FrameSink, *, reading: bool = True) -> WebsocketLine:
        headers = {"Authorization": f"Bearer {token}"}
        if not reading:
            return WebsocketLine(await self._frozen(headers), None)
        connection = await connect(self.url, additional_headers=headers, proxy=None, compression=None,
                                   open_timeout=self.open_timeout, max_size=2**22)
        first = await asyncio.wait_for(connection.recv(), timeout=self.open_timeout)
        on_frame(str(first), time.perf_counter())
        return WebsocketLine(connection, asyncio.create_task(self._read(connection, on_frame)))

    async def _frozen(self, headers: dict[str, str]) -> ClientConnection:
        """A client that stops reading: a small receive buffer and a one-message queue, so the
        server's writes back up as they would to a frozen tab."""
        raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        raw.setblocking(False)
        await asyncio.get_running_loop().sock_connect(raw, (self.host, self.port))
        return await connect(self.url, sock=raw, additional_headers=headers, proxy=None, compression=None,
                             max_queue=1, open_timeout=self.open_timeout)

    @staticmethod
    async def _read(connection: ClientConnection, on_frame: FrameSink) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for message in connection:
                on_frame(str(message), time.perf_counter())

    async def aclose(self) -> None:
        return None


def wait_until_serving(base_url: str, timeout: float) -> bool:
    """Poll ``/healthz`` until the server answers (True) or ``timeout`` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base_url}/healthz", timeout=2.0, trust_env=False).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.2)  # polling a server that is starting: there is nothing to wait on instead
    return False
