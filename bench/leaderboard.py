"""The supervisors' wallboard under call traffic: event on Kafka → frame on 200 supervisor sockets.

    .venv/bin/python -m bench.leaderboard [--rate 50] [--duration 30]

Two ``switchboard serve`` processes on one schema, as behind a load balancer: A runs the relay
and the projections, B serves only. ``switchboard simulate``'s engine seeds 200 agents in 10
teams and rings 50 calls/s (Poisson) through B's CTI webhook for 30 s, holding one agent socket
per agent. Talk times are scaled by 0.02 (median 3 s) so calls end within the run rather than
all at once when it stops, and the shipped rules are used with the minimum talk guard at 0 s,
so that such short calls earn (an inbound call answered within 20 s: +5). 200 supervisor
sockets watch: 150 their team's day board (15 per team), 30 everyone's day board, 20
everyone's week board; half on A, half on B.

Latency: for every ``call_ended`` that earns points (inbound answered ≤ 20 s, or talk ≥ 30 s)
and every socket whose board shows its agent, from the Kafka
record's timestamp (CreateTime: set by the relay's producer when it sends the event) to the
receipt of the first ``leaderboard_changed`` frame on that socket carrying the agent's row
with its new points (wall clock, ``time.time()``, same machine). Calls ending in the first 5 s
(warm-up) are left out.
Then the standings at 5,000 agents (:mod:`bench.leaderboard_standings`). The table is
printed and appended to ``docs/BENCHMARKS.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import secrets
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import psycopg
from kafka import KafkaConsumer, TopicPartition
from psycopg import sql
from pydantic import SecretStr
from websockets.asyncio.client import connect

from adapters.services.processes import free_loopback_port, terminate
from adapters.services.stack import Endpoints
from adapters.simulator_clients import wait_until_serving
from bench import leaderboard_standings
from bench.services import append_to_benchmarks, bench_services, configured_elsewhere
from contact_center.bootstrap import Container, bootstrap
from contact_center.master_key import generate_master_key
from contact_center.roles import Role
from contact_center.service_wiring import call_simulator
from contact_center.settings import Settings
from contact_center.simulation.call_mix import CallMix
from contact_center.simulation.report import SimulationReport
from contact_center.simulation.runs import PreparedRun, RunOptions, play, prepare

COMMAND = ".venv/bin/python -m bench.leaderboard"
AGENTS, TEAM_SIZE, WARM_UP = 200, 20, 5.0
RATE, DURATION = 50.0, 30.0  # the defaults; --rate and --duration change them
WATCHES = [("day", "team")] * 150 + [("day", None)] * 30 + [("week", None)] * 20


@dataclass
class Sighting:
    """What one socket received: per agent key, (receipt time, points) of each row it was sent."""

    period: str
    team: str | None
    rows: dict[str, list[tuple[float, int]]] = field(default_factory=lambda: defaultdict(list))
    frames: int = 0


@dataclass(frozen=True)
class Earned:
    agent_id: uuid.UUID
    kafka_time: float  # seconds


class EventTimes:
    """Reads the event topic from its end on a thread: the call_ended records that earn points."""

    def __init__(self, servers: str, topic: str) -> None:
        self.consumer = KafkaConsumer(bootstrap_servers=servers, group_id=None, enable_auto_commit=False,
                                      fetch_max_wait_ms=20)
        partitions = [TopicPartition(topic, p) for p in sorted(self.consumer.partitions_for_topic(topic))]
        self.consumer.assign(partitions)
        self.consumer.seek_to_end(*partitions)
        for partition in partitions:
            self.consumer.position(partition)
        self.facts: dict[str, dict[str, Any]] = defaultdict(dict)
        self.earned: list[Earned] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        while not self.stopping.is_set():
            for records in self.consumer.poll(timeout_ms=100).values():
                for record in records:
                    self._note(json.loads(record.value), record.timestamp / 1000)

    def _note(self, event: dict[str, Any], at: float) -> None:
        kind, call, data = event["type"].rsplit(".", 1)[0], event["subject"], event["data"]
        facts = self.facts[call]
        if kind.endswith("call_rang"):
            facts["direction"] = data.get("direction")
        elif kind.endswith("call_answered"):
            facts["agent"] = uuid.UUID(data["agent_id"])
        elif kind.endswith("call_ended"):
            wait, talk = float(data["wait_seconds"]), float(data["talk_seconds"])
            earns = (facts.get("direction") == "inbound" and wait <= 20) or talk >= 30
            if earns and "agent" in facts:
                self.earned.append(Earned(facts["agent"], at))

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(10)
        self.consumer.close()


@contextmanager
def serving(env: dict[str, str], log: Path) -> Iterator[str]:
    port = free_loopback_port()
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "contact_center.cli", "serve", "--port", str(port)],
                                env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        if not wait_until_serving(base, 120):
            raise RuntimeError(f"switchboard serve did not start; see {log}")
        yield base
    finally:
        terminate(proc.pid)
        proc.wait()


async def watch(base: str, token: str, sighting: Sighting, aliases: dict[str, str],
                opened: asyncio.Event, stop: asyncio.Event) -> None:
    query = {"period": sighting.period, **({"team": sighting.team} if sighting.team else {})}
    url = base.replace("http://", "ws://") + "/ws/supervisor?" + urlencode(query)
    async with connect(url, additional_headers={"Authorization": f"Bearer {token}"}, proxy=None,
                       max_size=None, open_timeout=60) as ws:
        opened.set()
        while not stop.is_set():
            try:
                text = await asyncio.wait_for(ws.recv(), 1.0)
            except TimeoutError:
                continue
            received = time.time()
            frame = json.loads(text)
            if frame["type"] in ("snapshot", "leaderboard_changed"):
                sighting.frames += 1
                for row in frame["agents"]:
                    sighting.rows[aliases.get(row["key"], row["key"])].append((received, row["points"]))


def latencies(sightings: list[Sighting], earned: list[Earned], after: float,
              team_of: dict[str, str]) -> list[float]:
    """Per (earning event, socket showing its agent): Kafka time → first row of the agent with
    points above what that socket had shown before the event."""
    samples = []
    for event in earned:
        if event.kafka_time < after:
            continue
        agent = str(event.agent_id)
        for sighting in sightings:
            if sighting.team is not None and team_of[agent] != sighting.team:
                continue
            seen = sighting.rows.get(agent, [])
            before = [points for at, points in seen if at < event.kafka_time]
            shown_at = next((at for at, points in seen if at >= event.kafka_time
                             and points > (before[-1] if before else 0)), None)
            if shown_at is not None:
                samples.append(shown_at - event.kafka_time)
    return sorted(samples)


def percentile(values: list[float], share: float) -> float:
    return values[min(len(values) - 1, int(len(values) * share))]


async def traffic(container: Container, bases: tuple[str, str], token: str,
                  seeded_run: PreparedRun) -> tuple[list[Sighting], SimulationReport, float]:
    """Open the supervisor sockets, play the calls; returns what the sockets saw, the
    simulator's report and when the first call rang."""
    teams = seeded_run.seeded.population.teams
    sightings = [Sighting(period, teams[n % len(teams)] if team else None)
                 for n, (period, team) in enumerate(WATCHES)]
    ids = seeded_run.seeded.agent_ids.values()
    aliases = {container.leaderboards.aliases(agent): str(agent) for agent in ids}
    stop = asyncio.Event()
    opened = [asyncio.Event() for _ in sightings]
    sockets = [asyncio.create_task(watch(bases[n % 2], token, s, aliases, opened[n], stop))
               for n, s in enumerate(sightings)]
    await asyncio.wait_for(asyncio.gather(*(o.wait() for o in opened)), 120)
    started = time.time()
    report = await play(call_simulator(bases[1], seeded_run.stage.cti_token), seeded_run)
    await asyncio.sleep(10)  # the last calls' points reach the boards
    stop.set()
    await asyncio.gather(*sockets, return_exceptions=True)
    return sightings, report, started


def run(endpoints: Endpoints, tmp: Path) -> tuple[list[str], list[tuple[str, dict[str, float]]]]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    master_key = generate_master_key()
    with psycopg.connect(endpoints.database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    rules = tmp / "gamification.toml"
    shipped = (Path(__file__).resolve().parent.parent / "config" / "gamification.toml").read_text()
    rules.write_text(shipped.replace("min_talk_seconds = 10", "min_talk_seconds = 0"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SWITCHBOARD_")}
    env.update(DATABASE_URL=endpoints.database_url,
               KAFKA_BOOTSTRAP_SERVERS=endpoints.kafka_bootstrap_servers, SWITCHBOARD_DB_SCHEMA=schema,
               SWITCHBOARD_TOPIC_PREFIX=schema, SWITCHBOARD_MASTER_KEY=master_key,
               SWITCHBOARD_DATA_DIR=str(tmp / "data"), SWITCHBOARD_GAMIFICATION_RULES=str(rules))
    settings = Settings(database_url=endpoints.database_url,
                        kafka_bootstrap_servers=endpoints.kafka_bootstrap_servers, db_schema=schema,
                        topic_prefix=schema, master_key=SecretStr(master_key), gamification_rules=rules,
                        data_dir=tmp / "data", relay_in_process=False, projections_in_process=False)
    try:
        with ExitStack() as stack:
            a = stack.enter_context(serving(env, tmp / "a.log"))
            b = stack.enter_context(serving({**env, "SWITCHBOARD_RELAY_IN_PROCESS": "false",
                                             "SWITCHBOARD_PROJECTIONS_IN_PROCESS": "false"}, tmp / "b.log"))
            container = stack.enter_context(_closing(bootstrap(settings, endpoints)))
            password = secrets.token_urlsafe(16)
            container.users.create("wallboard", Role.SUPERVISOR, password=password, actor="bench")
            token, _ = container.sign_in.login("wallboard", password, "bench")
            options = RunOptions(agents=AGENTS, customers=2000, rate=RATE, duration=DURATION,
                                 population="bench", team_size=TEAM_SIZE, mix=CallMix(time_scale=0.02))
            seeded_run = prepare(container, options)
            events = EventTimes(endpoints.kafka_bootstrap_servers, f"{schema}.events")
            sightings, report, started = asyncio.run(traffic(container, (a, b), token, seeded_run))
            events.stop()
            team_of = {str(agent_id): seed.team for seed in seeded_run.seeded.population.agents
                       for login, agent_id in seeded_run.seeded.agent_ids.items() if login == seed.login}
            samples = latencies(sightings, events.earned, started + WARM_UP, team_of)
            if not samples:
                raise RuntimeError(f"no leaderboard change was matched: {len(events.earned)} earning calls, "
                                   f"{sum(s.frames for s in sightings)} frames; report {report.rows()}")
            frames = sum(s.frames for s in sightings)
            measured = sum(e.kafka_time >= started + WARM_UP for e in events.earned)
            simulated = dict(report.rows())
            lines = [f"calls (in / out): {simulated['calls (in / out)']} in {simulated['seconds']} s; "
                     f"webhook p50 / p99 ms: {simulated['webhook p50 / p99 ms']}; point-earning calls "
                     f"measured: {measured}",
                     f"leaderboard frames received (snapshots included): {frames:,}",
                     f"samples: {len(samples):,}; p50 {percentile(samples, 0.5) * 1000:.1f} ms, "
                     f"p99 {percentile(samples, 0.99) * 1000:.1f} ms, max {samples[-1] * 1000:.1f} ms"]
            print("\n".join(lines), flush=True)
            latency = {"p50": percentile(samples, 0.5), "p99": percentile(samples, 0.99), "max": samples[-1],
                       "n": float(len(samples))}
            standings = leaderboard_standings.measure(_fresh(container, endpoints, settings, stack, tmp))
        return lines, [("event on Kafka → leaderboard_changed on a supervisor socket", latency), *standings]
    finally:
        leaderboard_standings.drop(endpoints.database_url, schema)
        leaderboard_standings.drop(endpoints.database_url, f"{schema}_5k")


def _fresh(container: Container, endpoints: Endpoints, settings: Settings, stack: ExitStack,
           tmp: Path) -> Container:
    """A schema of its own for the 5,000 agents, so the traffic's agents do not mix in."""
    schema = f"{settings.db_schema}_5k"
    with psycopg.connect(endpoints.database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    return stack.enter_context(_closing(bootstrap(settings.model_copy(update={
        "db_schema": schema, "topic_prefix": schema, "data_dir": tmp / "data5k"}), endpoints)))


@contextmanager
def _closing(container: Container) -> Iterator[Container]:
    try:
        yield container
    finally:
        container.close()


def table(results: list[tuple[str, dict[str, float]]]) -> str:
    rows = []
    for what, r in results:
        count = f" ({int(r['n']):,} samples)" if "n" in r else ""
        rows.append(f"| {what}{count} | {r['p50'] * 1000:.1f} ms | {r['p99'] * 1000:.1f} ms |")
    return "\n".join(["| measure | p50 | p99 |", "|---|---:|---:|", *rows])


def main() -> None:
    global RATE, DURATION  # read by the run; set once from the flags, first
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=RATE, help="rings per second")
    parser.add_argument("--duration", type=float, default=DURATION, help="seconds of ringing")
    arguments = parser.parse_args()
    RATE, DURATION = arguments.rate, arguments.duration
    began, load = time.monotonic(), os.getloadavg()[0]
    settings = Settings()
    with bench_services() as (endpoints, tmp):
        lines, results = run(endpoints, tmp)
    configured = configured_elsewhere()
    where = "configured services" if configured else (
        f"embedded PostgreSQL (fsync on) and Kafka {settings.kafka_version} (one broker)")
    report = (f"## Supervisors' wallboard — {datetime.now(UTC):%Y-%m-%d}\n\n"
              f"{os.cpu_count()} CPUs (nproc), Python {platform.python_version()}, "
              f"{platform.system()} {platform.machine()}, load average {load:.1f} at the start and "
              f"{os.getloadavg()[0]:.1f} at the end; {where}; two `switchboard serve` processes (A: relay "
              f"and projections, B: API only), the simulator and the sockets in the bench process, all on "
              f"this machine. {AGENTS} agents in teams of {TEAM_SIZE}, {RATE:g} rings/s for {DURATION:g} s "
              f"through the CTI webhook (talk times × 0.02, rules with no minimum talk), "
              f"{len(WATCHES)} supervisor sockets (150 team day boards, 30 day and 20 week boards of "
              f"everyone; half per process). Latency: Kafka "
              f"record timestamp (CreateTime, set by the relay's producer) of a `call_ended` that earns "
              f"points → receipt of the first `leaderboard_changed` carrying that agent's new points, per "
              f"socket showing the agent, wall clock; calls ending in the first {WARM_UP:g} s left out. "
              f"Standings: 5,000 agents in 50 teams, 31 days of totals, a gamification version filled "
              f"directly. Command: `{COMMAND}{'' if RATE == 50 else f' --rate {RATE:g}'}` "
              f"({time.monotonic() - began:.0f} s).\n\n"
              + "\n".join(f"- {line}" for line in lines) + f"\n\n{table(results)}")
    print(report)
    append_to_benchmarks(report)


if __name__ == "__main__":
    main()
