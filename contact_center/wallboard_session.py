"""One supervisor socket: its bounded queue and its life (frames numbered, heartbeats).

A frame is rendered once for every socket that gets it, without ``seq``; the session numbers
it on the way out. ``seq`` counts this socket's frames from 1 (the snapshot). There is no
resume: a reconnecting wallboard gets a fresh snapshot, which says everything it missed.
"""

from __future__ import annotations

import json

from contact_center.socket_outbox import Outbox
from contact_center.socket_session import FrameSocket, frame_text, serve_socket
from contact_center.wallboard_reads import WatchKey

ROLE = "supervisor"


class Outgoing:
    """A frame's type and its fields as JSON text, rendered once for every socket."""

    __slots__ = ("kind", "fields")

    def __init__(self, kind: str, fields: dict[str, object]) -> None:
        self.kind = kind
        self.fields = json.dumps(fields, separators=(",", ":"), default=str)

    def text(self, seq: int) -> str:
        rest = "" if self.fields == "{}" else "," + self.fields[1:-1]
        return f'{{"type":"{self.kind}","seq":{seq}{rest}}}'


class SupervisorConnection(Outbox[Outgoing]):
    def __init__(self, key: WatchKey, queue_size: int) -> None:
        super().__init__(ROLE, queue_size)
        self.key = key
        self.seq = 0  # the newest frame sent


class SupervisorSession:
    def __init__(self, connection: SupervisorConnection, *, heartbeat_seconds: float,
                 close_timeout: float = 10.0) -> None:
        self.connection = connection
        self.heartbeat_seconds = heartbeat_seconds
        self.close_timeout = close_timeout

    async def run(self, socket: FrameSocket, expires_at: float | None = None) -> None:
        """Serve the socket until the client leaves, falls behind or its token expires (unix
        seconds; None for credentials that do not expire)."""
        await serve_socket(socket, self._pump(socket), self.connection.too_slow,
                           who="supervisor", expires_at=expires_at, close_timeout=self.close_timeout)

    async def _pump(self, socket: FrameSocket) -> None:
        connection = self.connection
        while True:
            frame = await connection.next(self.heartbeat_seconds)
            if frame is None:
                await socket.send_text(frame_text(type="heartbeat", last_seq=connection.seq))
                continue
            await socket.send_text(frame.text(connection.seq + 1))
            connection.seq += 1
