"""Which gamification version the API serves: the newest one that has caught up.

Every rules version builds its own tables (``gamification_r<N>_v1_*``) from offset 0. A
version has caught up when, for every partition of the event topic, its stored offset has
reached the topic's end offset (lag 0). At most once per ``recheck_seconds`` the lags are
read again and the newest caught-up version is served; while none is caught up (a first
build, or a burst of events in flight) the version served before stays, and before anything
was served the one the rules file describes. So an older board keeps answering until a newer
one has caught up, and a version rebuilt in place gives way to an older one that is current.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from adapters.read_store import ReadStore
from contact_center.read_your_writes import ReadNotReady
from projections.gamification_model import Rules
from projections.gamification_queries import BoardVersion, stored_offsets, versions
from projections.gamification_rules import parse_rules


class TopicEnds(Protocol):
    def ends(self) -> dict[int, int] | None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class ServedBoard:
    version: BoardVersion
    rules: Rules
    caught_up: bool


@dataclass(frozen=True)
class VersionStatus:
    version: BoardVersion
    lag: int | None  # None: the broker could not be asked
    served: bool


class BoardVersions:
    def __init__(self, reads: ReadStore, ends: TopicEnds, topic: str, configured: str,
                 recheck_seconds: float = 1.0, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.reads = reads
        self.ends = ends
        self.topic = topic
        self.configured = configured  # full name of the version the rules file describes
        self.recheck_seconds = recheck_seconds
        self.monotonic = monotonic
        self._served: str | None = None
        self._caught_up = False
        self._checked_at: float | None = None
        self._rules: dict[str, Rules] = {}

    def known(self) -> list[BoardVersion]:
        with self.reads.reading() as tx:
            return versions(tx)

    def served(self) -> ServedBoard:
        known = self.known()
        if not known:
            raise ReadNotReady(self.configured, 1, 0)
        by_name = {v.name: v for v in known}
        if self._served not in by_name:
            self._served, self._caught_up = None, False  # its tables were dropped
        if self._due():
            lags = self.lags(known)
            fresh = next((v.name for v in known if lags.get(v.name) == 0), None)
            if fresh is not None:
                self._served, self._caught_up = fresh, True
            elif lags:
                self._caught_up = False
        if self._served is None:
            self._served = self.configured if self.configured in by_name else known[0].name
        return self._board(by_name[self._served], self._caught_up)

    def status(self) -> list[VersionStatus]:
        """Every version with its lag, for operators."""
        known = self.known()
        served = self.served().version.name if known else None
        lags = self.lags(known)
        return [VersionStatus(v, lags.get(v.name), v.name == served) for v in known]

    def lags(self, candidates: list[BoardVersion]) -> dict[str, int]:
        """Records on the topic each version has not applied; empty when the broker is away."""
        ends = self.ends.ends()
        if ends is None:
            return {}
        with self.reads.reading() as tx:
            stored = {v.name: stored_offsets(tx, v.name, self.topic) for v in candidates}
        return {name: sum(max(0, end - offsets.get(partition, 0)) for partition, end in ends.items())
                for name, offsets in stored.items()}

    def _due(self) -> bool:
        """Asking the broker costs a round trip: at most once per ``recheck_seconds``."""
        now = self.monotonic()
        if self._checked_at is not None and now - self._checked_at < self.recheck_seconds:
            return False
        self._checked_at = now
        return True

    def _board(self, version: BoardVersion, caught_up: bool) -> ServedBoard:
        rules = self._rules.get(version.fingerprint)
        if rules is None:
            rules = self._rules[version.fingerprint] = parse_rules(version.rules_text, f"<{version.name}>")
        return ServedBoard(version, rules, caught_up)
