"""How fast the machine was while a benchmark ran, so that runs on different days compare.

Virtual machines of the same size do not run at the same speed every day: the host's other
guests take CPU time (steal) or the host runs its cores slower. A benchmark's figures mean
little across days without a reading of the machine itself, taken the same way each time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

LOOP = 1_000_000
STAT = Path("/proc/stat")


def python_loop_ms(rounds: int = 5) -> float:
    """The fastest of ``rounds`` timings of one fixed pure-Python loop, in milliseconds."""
    best = float("inf")
    for _ in range(rounds):
        began = time.perf_counter()
        total = 0
        for i in range(LOOP):
            total += i * i
        best = min(best, time.perf_counter() - began)
    return 1000 * best


@dataclass(frozen=True)
class CpuTimes:
    """The machine's CPU time so far, in clock ticks (``/proc/stat``'s first line)."""

    busy: int
    idle: int
    steal: int

    @staticmethod
    def now() -> CpuTimes | None:
        """None where ``/proc/stat`` cannot be read (not Linux)."""
        try:
            fields = [int(part) for part in STAT.read_text().splitlines()[0].split()[1:]]
        except (OSError, ValueError, IndexError):
            return None
        user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
        return CpuTimes(busy=user + nice + system + irq + softirq, idle=idle + iowait, steal=steal)


def cpu_shares(before: CpuTimes | None, after: CpuTimes | None) -> str:
    """``busy X %, stolen Y %`` of all CPUs between two readings, or ``not read``."""
    if before is None or after is None:
        return "not read"
    busy, idle, steal = after.busy - before.busy, after.idle - before.idle, after.steal - before.steal
    total = busy + idle + steal
    if total <= 0:
        return "not read"
    return f"busy {100 * busy / total:.0f} %, stolen by the host {100 * steal / total:.0f} %"
