"""Read models: projection lag at 1,000 events/s, rebuild rate from offset 0, caller-ID lookup latency.

    .venv/bin/python -m bench.projections [--events N] [--customers M]

PostgreSQL and Kafka are embedded in a temporary directory unless ``DATABASE_URL`` /
``KAFKA_BOOTSTRAP_SERVERS`` are set. One run measures, in order:

1. lag (:mod:`bench.projection_lag`): events written at a paced 1,000/s for 20 s (after 10 s of
   warm-up at that rate), with
   ``switchboard relay`` and ``switchboard projections run`` in processes of their own; per
   event, commit → applied by the identity lookup and by the caller history;
2. rebuild (:mod:`bench.projection_rebuild`): ``--events`` more written and published, then
   ``switchboard projections rebuild`` per read model (beside the live tables, then the
   switch), next to a plain consumer of the same topic, and one rebuild from the event store;
3. lookup (:mod:`bench.lookup_load`): ``--customers`` digest rows seeded into the identity
   lookup (while 2.'s backlog is written), then 5,000 ``LookupService.lookup`` calls.

The lag phase waits a bounded time for the projections to catch up; the rebuilds run to the
end (the size is ``--events``).

The table is printed and appended to ``docs/BENCHMARKS.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import psycopg
from psycopg import sql
from pydantic import SecretStr

from adapters.services.stack import Endpoints
from bench.lookup_load import LOOKUPS, LookupResult, measure_lookups, seed
from bench.projection_lag import (
    CALLERS_PER_SAVE,
    DRAIN_WAIT,
    RATE,
    SECONDS,
    WARM_UP,
    WRITERS,
    LagResult,
    measure_lag,
)
from bench.projection_rebuild import REBUILT, Drain, prewrite, raw_read, rebuild, topic_size
from bench.services import append_to_benchmarks, bench_services, configured_elsewhere
from contact_center.bootstrap import bootstrap
from contact_center.master_key import generate_master_key
from contact_center.settings import Settings

EVENTS, CUSTOMERS = 200_000, 1_000_000
RAW_CAP = 60.0  # seconds for the plain consumer, so a stalled broker cannot stretch the run
STORE_REBUILT = "identity_lookup_v1"
LAG_GOAL, REBUILD_GOAL, LOOKUP_GOAL = 0.250, 20_000.0, 0.005
COMMAND = ".venv/bin/python -m bench.projections"


@dataclass(frozen=True)
class Results:
    lag: LagResult
    written: int
    write_rate: float
    raw: Drain
    rebuilt: dict[str, Drain]
    from_store: Drain
    lookups: LookupResult


def progress(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def run(endpoints: Endpoints, workdir: Path, events: int, customers: int) -> Results:
    schema = f"bench_{uuid4().hex[:10]}"
    with psycopg.connect(endpoints.database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    settings = Settings(database_url=endpoints.database_url,
                        kafka_bootstrap_servers=endpoints.kafka_bootstrap_servers, db_schema=schema,
                        topic_prefix=schema, master_key=SecretStr(generate_master_key()),
                        data_dir=workdir)
    container = bootstrap(settings, endpoints)
    topic, servers = f"{schema}.events", endpoints.kafka_bootstrap_servers
    try:
        progress(f"lag: {RATE:,} events/s for {SECONDS:.0f} s")
        lag = measure_lag(container, workdir)
        progress(f"rebuild: writing {events:,} events; seeding {customers:,} customers alongside")
        with ThreadPoolExecutor(1) as pool:
            seeding = pool.submit(seed, container, customers)
            written, write_rate = prewrite(container, events, workdir / "relay.log")
            seed_seconds = seeding.result()
        # Before the rebuilds: the seeded rows bypass the event log, so a rebuild drops them.
        progress(f"lookup: {LOOKUPS:,} lookups")
        lookups = measure_lookups(container, customers, seed_seconds)
        total = topic_size(servers, topic)
        progress(f"rebuild: {total:,} records on the topic; plain consumer")
        raw = raw_read(servers, topic, total, RAW_CAP)
        rebuilt = {}
        for name in REBUILT:
            progress(f"rebuild: {name}")
            rebuilt[name] = rebuild(container, name, total)
        progress(f"rebuild: {STORE_REBUILT} from the event store")
        stored = container.app.recorder.max_notification_id() or 0
        from_store = rebuild(container, STORE_REBUILT, stored, from_store=True)
    finally:
        container.close()
        with psycopg.connect(endpoints.database_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))
    return Results(lag, written, write_rate, raw, rebuilt, from_store, lookups)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def drained(drain: Drain, unit: str) -> str:
    how = (f"{drain.records:,} in {drain.seconds:.1f} s" if drain.finished else
           f"stopped after {drain.seconds:.0f} s at {drain.records:,} of {drain.total:,}")
    return f"{drain.rate:,.0f} {unit} ({how})"


def table(results: Results) -> str:
    rows: list[tuple[str, str, str, str]] = []
    for name, label in (("identity_lookup_v1", "identity lookup"), ("caller_history_v1", "caller history")):
        p50, p99, worst = results.lag.percentiles[name]
        left = results.lag.unapplied[name]
        at_least = "≥ " if left else ""  # unapplied events count with their lag so far
        note = f"; {left:,} not applied {DRAIN_WAIT:.0f} s after the last write" if left else ""
        rows += [(f"lag commit → applied, {label}, p50", at_least + ms(p50), "–", "–"),
                 (f"lag commit → applied, {label}, p99 (max {at_least}{ms(worst)}{note})",
                  at_least + ms(p99), f"≤ {LAG_GOAL * 1000:.0f} ms", met(p99 <= LAG_GOAL))]
    rows.append((f"paced write rate (target {RATE:,} events/s)",
                 f"{results.lag.rate:,.0f} events/s ({results.lag.events:,} events)", "–", "–"))
    for name, label in (("identity_lookup_v1", "identity lookup"), ("caller_history_v1", "caller history")):
        drain = results.rebuilt[name]
        rows.append((f"`projections rebuild`, {label}: from offset 0 beside the live tables, "
                     "switch included (cold key cache)",
                     drained(drain, "events/s"), f"≥ {REBUILD_GOAL:,.0f} events/s",
                     met(drain.rate >= REBUILD_GOAL)))
    rows.append(("plain kafka-python consumer, same topic from offset 0, no processing",
                 drained(results.raw, "records/s"), "–", "–"))
    rows.append(("`projections rebuild --from-store`, identity lookup: the notification log "
                 "through the relay's envelope, switch included",
                 drained(results.from_store, "events/s"), "–", "–"))
    looked = results.lookups
    rows += [("`LookupService.lookup(phone=…)`, p50", ms(looked.all[0]), "–", "–"),
             ("`LookupService.lookup(phone=…)`, p99", ms(looked.all[1]), f"≤ {LOOKUP_GOAL * 1000:.0f} ms",
              met(looked.all[1] <= LOOKUP_GOAL)),
             ("lookup p99: seeded numbers / unknown numbers",
              f"{ms(looked.hits[1])} / {ms(looked.misses[1])}", "–", "–")]
    return "\n".join(["| measure | value | goal | met? |", "|---|---:|---:|:---:|",
                      *(f"| {m} | {v} | {g} | {ok} |" for m, v, g, ok in rows)])


def scaled(events: int) -> str:
    if events >= 1_000_000:
        return ""
    return (" (the goal is stated over 1,000,000; this size keeps the run to minutes on this "
            "machine, and the rates are per event either way)")


def report(results: Results, args: argparse.Namespace, elapsed: float, load: float) -> str:
    settings = Settings()
    configured = configured_elsewhere()
    where = "configured services" if configured else (
        f"embedded PostgreSQL (fsync on) and Kafka {settings.kafka_version} (one broker)")
    command = " ".join([COMMAND, *sys.argv[1:]])
    return (
        f"## Projections — {datetime.now(UTC):%Y-%m-%d}\n\n"
        f"{len(os.sched_getaffinity(0))} CPUs (nproc), Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}, load average {load:.1f} at the start and "
        f"{os.getloadavg()[0]:.1f} at the end; {where}, everything on this machine; "
        f"{settings.event_partitions} partitions, personal fields encrypted. "
        f"Sizes: **lag** {SECONDS:.0f} s paced at {RATE:,} events/s after {WARM_UP:.0f} s of "
        f"warm-up at that rate ({WRITERS} writers, "
        f"{CALLERS_PER_SAVE * 10} events per save; `switchboard relay` and `switchboard "
        f"projections run` (all six workers) each in a process of its own); "
        f"**rebuild** {args.events:,} events pre-written{scaled(args.events)} "
        f"({results.write_rate:,.0f} events/s written and published, the lookup seeding running "
        f"alongside), the topic then holding "
        f"{results.raw.total:,} records, each rebuild the real side-by-side one (no group, every "
        f"partition from offset 0, copied by {Settings().projection_rebuild_processes} worker "
        f"processes sharing the partitions into new tables in a schema of their own, then the "
        f"switch); "
        f"**lookup** {args.customers:,} customers' digest rows "
        f"COPYed into `identity_lookup_v1` (seeding bypasses the pipeline to keep the run short, "
        f"{results.lookups.seed_seconds:.0f} s, then ANALYZE; the timed path is the real "
        f"`LookupService.lookup`), {LOOKUPS:,} lookups, half of seeded numbers, half of unknown "
        f"ones. Command: `{command}` ({elapsed:.0f} s).\n\n{table(results)}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench.projections", description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=EVENTS,
                        help=f"events pre-written for the rebuild (default {EVENTS:,}; the goal is "
                             "stated over 1,000,000)")
    parser.add_argument("--customers", type=int, default=CUSTOMERS,
                        help=f"customers seeded into the identity lookup (default {CUSTOMERS:,})")
    args = parser.parse_args()
    began, load = time.monotonic(), os.getloadavg()[0]
    with bench_services() as (endpoints, tmp):
        results = run(endpoints, tmp, args.events, args.customers)
    text = report(results, args, time.monotonic() - began, load)
    print(text)
    append_to_benchmarks(text)


if __name__ == "__main__":
    main()
