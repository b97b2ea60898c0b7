"""Notices a projection worker that has stopped making progress, and says where it is stuck.

Each worker reports a sign of life on every turn of its loop (an idle worker still turns
about twice a second). A worker silent for ``stuck_after`` seconds is logged once as a warning
with its thread's current stack, so an operator, or a failed test's log, shows what it waits
for; it is logged again at ``info`` when it moves on.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import traceback
from dataclasses import dataclass

log = logging.getLogger("switchboard.projections")


@dataclass
class _Life:
    seen_at: float
    thread_id: int
    stuck: bool = False


class WorkerWatch:
    def __init__(self, stuck_after: float) -> None:
        self.stuck_after = stuck_after
        self._lives: dict[str, _Life] = {}
        self._lock = threading.Lock()

    def alive(self, worker: str) -> None:
        """Called by the worker's own thread on every turn of its loop."""
        now = time.monotonic()
        with self._lock:
            life = self._lives.get(worker)
            if life is None or life.thread_id != threading.get_ident():
                self._lives[worker] = _Life(now, threading.get_ident())
                return
            life.seen_at = now
            if life.stuck:
                life.stuck = False
                log.info("projection %s is moving again", worker)

    def gone(self, worker: str) -> None:
        with self._lock:
            self._lives.pop(worker, None)

    def check(self) -> list[str]:
        """Log each worker that has newly gone quiet for ``stuck_after``; returns their names."""
        now, frames = time.monotonic(), sys._current_frames()
        newly_stuck = []
        with self._lock:
            for worker, life in self._lives.items():
                if life.stuck or now - life.seen_at < self.stuck_after:
                    continue
                life.stuck = True
                newly_stuck.append(worker)
                frame = frames.get(life.thread_id)
                where = "".join(traceback.format_stack(frame)) if frame is not None else "(thread gone)"
                log.warning("projection %s has made no progress for %.0f s; its worker is at:\n%s",
                            worker, now - life.seen_at, where)
        return newly_stuck

    def watch(self, stop: threading.Event) -> None:
        """Check until ``stop`` is set (run in a thread of its own)."""
        while not stop.wait(max(self.stuck_after / 4, 0.05)):
            self.check()
