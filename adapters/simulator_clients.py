"""The call simulator's clients: the CTI webhook over HTTP (aiohttp) and agent sockets over
websockets, as a PBX and agents' browsers would use them (see contact_center/simulation/ports.py)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from urllib.parse import urlsplit

import aiohttp
import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from contact_center.simulation.ports import FrameSink, WebhookReply


class HttpCtiPoster:
    """Posts JSON events to ``<base_url>/api/v1/cti/<token>`` over a pool of keep-alive connections
    (aiohttp: see docs/decisions/0007-simulator-http-client.md)."""

    def __init__(self, base_url: str, token: str, *, connections: int = 64, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.url = f"{self.base_url}/api/v1/cti/{token}"
        self.connections = connections
        # No limit on waiting for a pooled connection: a PBX queues its events behind a slow server,
        # so a saturated server shows as latency rather than as failed requests.
        self.timeout = aiohttp.ClientTimeout(total=None, sock_connect=timeout, sock_read=timeout)
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:  # made on first use: a session belongs to the running loop
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.connections), timeout=self.timeout,
                trust_env=False)
        return self._session

    async def post(self, body: dict[str, object]) -> WebhookReply:
        try:
            try:
                return await self._post(body)
            except aiohttp.ServerDisconnectedError:
                # The server closed a kept-alive connection as we reused it. CTI events are
                # idempotent (a repeat stores nothing), so send once more, as a PBX would.
                return await self._post(body)
        except (aiohttp.ClientError, TimeoutError) as exc:
            return WebhookReply(0, f"{type(exc).__name__}: {exc}")

    async def _post(self, body: dict[str, object]) -> WebhookReply:
        async with self._client().post(self.url, json=body) as response:
            return WebhookReply(response.status, await response.text())

    async def aclose(self) -> None:
        """Close the connections; a later ``post`` (on another event loop) opens new ones."""
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()


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
