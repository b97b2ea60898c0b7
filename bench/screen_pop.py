"""Screen-pop latency under call-center load: the call simulator against ``switchboard serve``.

    .venv/bin/python -m bench.screen_pop [--duration 60] [--rate 50]

``switchboard serve``, ``switchboard relay`` and ``switchboard projections run`` as separate
processes on embedded PostgreSQL and Kafka (or ``DATABASE_URL`` / ``KAFKA_BOOTSTRAP_SERVERS``).
The bench seeds 2,000 agents and 1,000 customers through the application services, then plays
runs of the simulator at ``--rate`` rings/s for ``--duration`` s: 500 agents connected, 2,000
agents, 500 agents of whom 10 % hold a socket that never reads, and 500 agents at a fifth of the
rate; ``--sweep 20,30,40`` adds runs of 500 agents at those rates, to find the highest rate at
which the goal (server p50 ≤ 5 ms and p99 ≤ 25 ms) holds on the machine at hand. Ring and talk
times are scaled by 0.1 so answers and hangups run alongside the rings (a mean of 2.5 requests
per call). After the seeding the bench runs ``VACUUM (ANALYZE)`` on its
tables, as a running deployment has vacuumed tables with planner statistics; each run starts once
every read model has applied every stored event (the seeding's, the previous run's). ``relay`` and
``projections run`` run at ``nice 10`` (``BENCH_BACKGROUND_NICENESS``), as docs/running.md
advises when they share CPUs with ``serve``: they are not on the ring's path, ``serve`` is.

Two latencies: **server**, ring received by the webhook → ``screen_pop`` frame written to the
socket, from the server's ``switchboard_screen_pop_seconds`` histogram (deltas per run, quantiles
interpolated within buckets as Prometheus' ``histogram_quantile`` does); **client**, just before
the ``newCall`` request is sent → frame read by the simulator, which adds both clients' costs.
The table is printed and appended to ``docs/BENCHMARKS.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import httpx
import psycopg
from psycopg import sql
from pydantic import SecretStr

from adapters.services.processes import free_loopback_port, terminate
from adapters.services.stack import Endpoints
from adapters.simulator_clients import wait_until_serving
from bench.machine import CpuTimes, cpu_shares, python_loop_ms
from bench.services import append_to_benchmarks, bench_services, configured_elsewhere
from contact_center.bootstrap import Container, bootstrap
from contact_center.master_key import generate_master_key
from contact_center.push_hub import SCREEN_POP_BUCKETS
from contact_center.service_wiring import call_simulator
from contact_center.settings import Settings
from contact_center.simulation.call_mix import CallMix
from contact_center.simulation.report import SimulationReport
from contact_center.simulation.runs import RunOptions, play, prepare

COMMAND = ".venv/bin/python -m bench.screen_pop"
HISTOGRAM = "switchboard_screen_pop_seconds"
# name, agents, frozen share, share of --rate
SCENARIOS = (("500 agents", 500, 0.0, 1.0), ("2,000 agents", 2000, 0.0, 1.0),
             ("500 agents, 10 % frozen", 500, 0.1, 1.0), ("500 agents, a fifth of the rate", 500, 0.0, 0.2))
BACKGROUND_NICENESS = int(os.environ.get("BENCH_BACKGROUND_NICENESS", "10"))
GOAL_P50, GOAL_P99 = 0.005, 0.025  # seconds, server side, at 500 agents and 50 rings/s
BASE = RunOptions(agents=2000, customers=1000, population="bench", mix=CallMix(time_scale=0.1))


def buckets(base: str) -> dict[float, float]:
    """Cumulative counts of the screen-pop histogram by upper bound (``inf`` for +Inf)."""
    found: dict[float, float] = {}
    for line in httpx.get(f"{base}/metrics", timeout=30, trust_env=False).text.splitlines():
        match = re.fullmatch(rf'{HISTOGRAM}_bucket\{{le="([^"]+)"\}} (\S+)', line)
        if match:
            found[float(match.group(1))] = float(match.group(2))
    return found


def quantile(before: dict[float, float], after: dict[float, float], share: float) -> float:
    """``histogram_quantile`` of the observations between two scrapes, in seconds."""
    bounds = sorted(after)
    counts = [after[b] - before.get(b, 0.0) for b in bounds]
    if not counts or counts[-1] == 0:
        return float("nan")
    rank, lower, below = share * counts[-1], 0.0, 0.0
    for bound, cumulative in zip(bounds, counts, strict=True):
        if cumulative >= rank:
            if bound == float("inf"):
                return lower  # beyond the last finite bucket: report its bound
            return lower + (bound - lower) * (rank - below) / max(cumulative - below, 1e-9)
        lower, below = bound, cumulative
    return lower


@contextmanager
def serving(endpoints: Endpoints, schema: str, master_key: str, tmp: Path) -> Iterator[str]:
    """``switchboard serve``, ``relay`` and ``projections run`` as three processes, as production
    splits them: the API process's interpreter serves only requests and sockets."""
    port = free_loopback_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SWITCHBOARD_") and k not in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS")}
    env.update(DATABASE_URL=endpoints.database_url, KAFKA_BOOTSTRAP_SERVERS=endpoints.kafka_bootstrap_servers,
               SWITCHBOARD_DB_SCHEMA=schema, SWITCHBOARD_TOPIC_PREFIX=schema,
               SWITCHBOARD_MASTER_KEY=master_key, SWITCHBOARD_DATA_DIR=str(tmp / "serve"),
               SWITCHBOARD_RELAY_IN_PROCESS="false", SWITCHBOARD_PROJECTIONS_IN_PROCESS="false")
    commands = {"serve": ["serve", "--port", str(port)], "relay": ["relay"],
                "projections": ["projections", "run"]}
    procs = []
    for name, args in commands.items():
        niced = [] if name == "serve" else ["nice", "-n", str(BACKGROUND_NICENESS)]
        with (tmp / f"{name}.log").open("wb") as log:
            procs.append(subprocess.Popen([*niced, sys.executable, "-m", "contact_center.cli", *args],
                                          env=env,
                                          stdout=log, stderr=subprocess.STDOUT))
    base = f"http://127.0.0.1:{port}"
    try:
        if not wait_until_serving(base, timeout=120):
            raise RuntimeError(f"switchboard serve did not answer; see {tmp / 'serve.log'}")
        yield base
    finally:
        for proc in procs:
            terminate(proc.pid)
            proc.wait()


def settle(container: Container, timeout: float = 300.0) -> None:
    """Wait until every read model has applied every stored event, so that a run does not share
    the CPUs with projection workers still catching up on the seeding or the previous run."""
    newest = container.app.recorder.max_notification_id() or 0
    for name in container.projections.names():
        if not container.consistency.positions.wait(name, newest, timeout):
            raise RuntimeError(f"projection {name} did not reach position {newest} in {timeout:.0f} s")


def analyze(database_url: str, schema: str) -> None:
    """Planner statistics and vacuumed tables after the seeding, as a deployment that has been
    running has them. Without, autovacuum's first passes vacuum and analyse every freshly
    filled table during the first run (the seeding's inserts pass its thresholds), and each
    ANALYZE makes every session re-plan its statements on that table."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        tables = [row[0] for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", (schema,))]
        for table in tables:
            conn.execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(schema, table)))


def measure(container: Container, base: str,
            options: RunOptions) -> tuple[SimulationReport, float, float, str]:
    """The simulator's report, the server's p50 and p99 (seconds) and the machine's CPU shares."""
    run = prepare(container, options)
    settle(container)
    before, cpu, machine = buckets(base), time.process_time(), CpuTimes.now()
    report = asyncio.run(play(call_simulator(base, run.stage.cti_token), run))
    after, cpu, shares = buckets(base), time.process_time() - cpu, cpu_shares(machine, CpuTimes.now())
    # Not in the table: whether the simulator itself was short of CPU, and what went wrong.
    print(f"simulator process: {cpu:.1f} CPU s in {report.seconds:.1f} s", flush=True)
    for sample in report.error_samples[:5]:
        print(f"  error: {sample}", flush=True)
    return report, quantile(before, after, 0.5), quantile(before, after, 0.99), shares


def scenarios(rate: float, sweep: list[float]) -> list[tuple[str, int, float, float]]:
    """(name, agents, frozen share, rings/s) of every run: the standard four, then the sweep's."""
    standard = [(name, agents, frozen, rate * share) for name, agents, frozen, share in SCENARIOS]
    return standard + [(f"500 agents, sweep at {swept:g}/s", 500, 0.0, swept) for swept in sweep]


def run(endpoints: Endpoints, tmp: Path, runs: list[tuple[str, int, float, float]],
        duration: float) -> tuple[list[str], list[float]]:
    """The table's rows, and the rates of the 500-agent runs (no frozen sockets) that met the goal."""
    schema, master_key = f"bench_{uuid4().hex[:10]}", generate_master_key()
    with psycopg.connect(endpoints.database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    settings = Settings(database_url=endpoints.database_url,
                        kafka_bootstrap_servers=endpoints.kafka_bootstrap_servers, db_schema=schema,
                        topic_prefix=schema, data_dir=tmp / "bench", master_key=SecretStr(master_key),
                        relay_in_process=False, projections_in_process=False)
    rows: list[str] = []
    met: list[float] = []
    try:
        with serving(endpoints, schema, master_key, tmp) as base:
            container = bootstrap(settings, endpoints)
            try:
                began = time.monotonic()
                prepare(container, BASE)  # the largest population once; each run seeds a prefix of it
                settle(container)
                analyze(endpoints.database_url, schema)
                print(f"seeded {BASE.agents} agents and {BASE.customers} customers in "
                      f"{time.monotonic() - began:.0f} s", flush=True)
                for name, agents, frozen, ring_rate in runs:
                    options = replace(BASE, agents=agents, frozen_share=frozen, rate=ring_rate,
                                      duration=duration)
                    report, p50, p99, shares = measure(container, base, options)
                    rows.append(row(name, report, ring_rate, p50, p99, shares))
                    print(rows[-1], flush=True)
                    if agents == 500 and not frozen and p50 <= GOAL_P50 and p99 <= GOAL_P99:
                        met.append(ring_rate)
            finally:
                container.close()
    finally:
        with psycopg.connect(endpoints.database_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))
    return rows, met


def row(name: str, r: SimulationReport, rate: float, server_p50: float, server_p99: float,
        shares: str) -> str:
    return (f"| {name} | {r.agents} ({r.frozen_agents}) | {rate:g} | {r.calls} | "
            f"{r.pops_expected} / {r.pops_received} | {r.missed_frames} | "
            f"{1000 * server_p50:.1f} / {1000 * server_p99:.1f} ms | "
            f"{r.pop_p50_ms:.1f} / {r.pop_p99_ms:.1f} ms | "
            f"{r.webhook_p50_ms:.1f} / {r.webhook_p99_ms:.1f} ms | "
            f"{r.sockets_lost} | {r.errors} | {shares} |")


def rates(text: str) -> list[float]:
    """``--sweep``'s value: comma-separated positive rings/s."""
    try:
        values = [float(part) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from exc
    if not values or any(value <= 0 for value in values):
        raise argparse.ArgumentTypeError(f"rates must be positive numbers: {text!r}")
    return values


def bounds_ms() -> str:
    """The histogram's finite bucket bounds in milliseconds, as the report states them."""
    return "/".join(f"{1000 * bound:g}" for bound in SCREEN_POP_BUCKETS)


def goal_line(met: list[float]) -> str:
    where = f"{', '.join(f'{rate:g}' for rate in met)} rings/s" if met else "none of the rates run"
    return (f"Server p50 ≤ {1000 * GOAL_P50:g} ms and p99 ≤ {1000 * GOAL_P99:g} ms with 500 agents "
            f"(none frozen) held at: {where}.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--sweep", type=rates, default=[],
                        help="comma-separated rings/s: extra runs of 500 agents at each")
    args = parser.parse_args()
    began, load, loop_ms = time.monotonic(), os.getloadavg()[0], python_loop_ms()
    settings = Settings()
    with bench_services() as (endpoints, tmp):
        rows, met = run(endpoints, tmp, scenarios(args.rate, args.sweep), args.duration)
    configured = configured_elsewhere()
    where = "configured services" if configured else (
        f"embedded PostgreSQL and Kafka {settings.kafka_version} (one broker)")
    report = (f"## Screen-pop latency — {datetime.now(UTC):%Y-%m-%d}\n\n"
              f"{os.cpu_count()} CPUs (nproc), Python {platform.python_version()}, "
              f"{platform.system()} {platform.machine()}, load average {load:.1f} at the start, "
              f"a fixed Python loop (`bench/machine.py`) in {loop_ms:.1f} ms; {where}; "
              f"`switchboard serve`, `relay` and `projections run` (the latter two at nice "
              f"{BACKGROUND_NICENESS}) as three processes and the simulator "
              f"in one (asyncio, aiohttp, websockets), all on the same CPUs. {args.duration:g} s of Poisson "
              f"rings per run, ring and talk times scaled by 0.1; `VACUUM (ANALYZE)` after the seeding, "
              f"each run started once every read model had caught up. **Server**: webhook received → "
              f"frame written (`{HISTOGRAM}`, interpolated within buckets bounded at {bounds_ms()} ms); "
              f"**client**: request sent → frame read; **webhook**: request sent → reply, for requests "
              f"sent on schedule (the burst that ends calls still going after the run is left out). "
              f"Frozen sockets never read and are left out of the expected pops. "
              f"Command: `{' '.join([COMMAND, *sys.argv[1:]])}` ({time.monotonic() - began:.0f} s).\n\n"
              "| run | agents (frozen) | rings/s | calls | pops expected / received | missed | "
              "server p50 / p99 | client p50 / p99 | webhook p50 / p99 | sockets dropped | errors | "
              "all CPUs during the run |\n"
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n" + "\n".join(rows) +
              "\n\n" + goal_line(met))
    print(report)
    append_to_benchmarks(report)


if __name__ == "__main__":
    main()
