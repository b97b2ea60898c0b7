"""Caller-ID lookup latency with many customers in the identity lookup read model.

Seeding bypasses the pipeline to keep the run short: digest rows for synthetic E.164
numbers are COPYed straight into ``identity_lookup_v1``, made with the same keyed digest
the projection uses (the run seeds while the rebuild's backlog is written, a phase whose
speed is only reported); the table is ANALYZEd just before the lookups. What is timed is
the real query path, :meth:`contact_center.lookup.LookupService.lookup` (normalisation,
digest, the pooled read with merge resolution, the screen-pop display names), half for
seeded numbers, half for numbers nobody has.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from adapters.projection_store import connect
from contact_center.bootstrap import Container
from contact_center.lookup import Match
from projections.identity_lookup import TABLE

LOOKUPS = 5000
WARM_UP = 200  # untimed, so the pool and the table's hot pages are as in a running server
ROWS_PER_CHUNK = 50_000


@dataclass(frozen=True)
class LookupResult:
    customers: int
    seed_seconds: float
    all: tuple[float, float]  # p50, p99 in seconds
    hits: tuple[float, float]
    misses: tuple[float, float]


def seeded_phone(n: int) -> str:
    """The n-th seeded number; n ≥ the seeded count gives a number nobody has."""
    return f"+49151{n:08d}"


def seed(container: Container, customers: int) -> float:
    """COPY one digest row per customer; returns the seconds taken. Customer ids are
    sequential (version-4 shaped) so their index grows at one end, as a real one nearly does."""
    digest = container.lookup.digest
    began = time.perf_counter()
    with connect(container.endpoints.database_url, container.settings.db_schema) as conn:
        with conn.cursor() as cur, cur.copy(f"COPY {TABLE} (digest, kind, customer_id) FROM STDIN") as copy:
            for start in range(0, customers, ROWS_PER_CHUNK):
                copy.write("".join(
                    f"{digest('phone', seeded_phone(n))}\tphone\t00000000-0000-4000-8000-{n:012x}\n"
                    for n in range(start, min(customers, start + ROWS_PER_CHUNK))))
        conn.commit()
    return time.perf_counter() - began


def p50_p99(seconds: list[float]) -> tuple[float, float]:
    ordered = sorted(seconds)
    return ordered[len(ordered) // 2], ordered[int(len(ordered) * 0.99)]


def measure_lookups(container: Container, customers: int, seed_seconds: float) -> LookupResult:
    """ANALYZE the seeded table, then time the lookups."""
    with connect(container.endpoints.database_url, container.settings.db_schema, autocommit=True) as conn:
        conn.execute(f"ANALYZE {TABLE}")
    rng = random.Random(7)
    numbers = [(True, rng.randrange(customers)) if k % 2 == 0 else
               (False, customers + rng.randrange(customers)) for k in range(WARM_UP + LOOKUPS)]
    rng.shuffle(numbers)
    timed: dict[bool, list[float]] = {True: [], False: []}
    for k, (hit, n) in enumerate(numbers):
        began = time.perf_counter()
        result = container.lookup.lookup(phone=seeded_phone(n))
        elapsed = time.perf_counter() - began
        if result.match is not (Match.SINGLE if hit else Match.NONE):
            raise AssertionError(f"{seeded_phone(n)}: expected {'one customer' if hit else 'none'}, "
                                 f"got {result.match}")
        if k >= WARM_UP:
            timed[hit].append(elapsed)
    return LookupResult(customers, seed_seconds, p50_p99(timed[True] + timed[False]),
                        p50_p99(timed[True]), p50_p99(timed[False]))
