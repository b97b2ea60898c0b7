"""Reads that wait (bounded, on a condition) until a projection has applied a given write."""

from __future__ import annotations

from typing import Protocol

from contact_center.errors import ApplicationError
from domain.errors import InvalidValue


class PositionSource(Protocol):
    def wait(self, projection: str, position: int, timeout: float) -> bool: ...

    def latest(self, projection: str) -> int: ...

    def stored(self, position: int) -> bool: ...


class ReadNotReady(ApplicationError):
    def __init__(self, projection: str, wanted: int, current: int) -> None:
        super().__init__(f"the {projection} read model has not yet applied position {wanted}; "
                         f"it is at {current}: retry shortly")
        self.projection = projection
        self.wanted = wanted
        self.current = current


class ReadConsistency:
    def __init__(self, positions: PositionSource, timeout: float) -> None:
        self.positions = positions
        self.timeout = timeout

    def require(self, projection: str, min_position: int | None) -> None:
        """Return once ``projection`` has applied ``min_position``; raise ReadNotReady after
        the timeout."""
        if min_position is None or min_position <= 0:
            return
        if self.positions.wait(projection, min_position, self.timeout):
            return
        if not self.positions.stored(min_position):
            raise InvalidValue(f"min_position {min_position} names no stored event: pass the "
                               "position a write answered", field="min_position")
        raise ReadNotReady(projection, min_position, self.positions.latest(projection))
