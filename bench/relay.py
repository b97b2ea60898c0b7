"""The event relay: commit → on-Kafka latency at a paced write rate, and how fast it drains a backlog.

    .venv/bin/python -m bench.relay

PostgreSQL and Kafka are embedded in a temporary directory unless ``DATABASE_URL`` /
``KAFKA_BOOTSTRAP_SERVERS`` are set. The relay runs as ``switchboard relay`` in a process of
its own, as in production; this process writes (through the application, personal fields
encrypted) and consumes the topic. Latency runs from the moment ``save`` returns (just after
the COMMIT) to the moment a consumer here receives the record. The table is printed and
appended to ``docs/BENCHMARKS.md``.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import psycopg
from kafka import KafkaConsumer, TopicPartition
from psycopg import sql
from pydantic import SecretStr

from adapters.services.stack import Endpoints
from bench.services import append_to_benchmarks, bench_services, configured_elsewhere
from contact_center.bootstrap import Container, bootstrap
from contact_center.master_key import generate_master_key
from contact_center.settings import Settings
from contact_center.stamps import Stamp
from domain.consent import ConsentChannel, ConsentPurpose
from domain.customer import Customer
from domain.customer_details import CustomerDetails, CustomerKind
from domain.identity import email_identity

RATE = 1000  # events/s, paced
SECONDS = 10.0
WRITERS = 2  # paced writer threads, each at RATE / WRITERS (one alone cannot keep 1,000/s)
BACKLOG = 50_000
EVENTS_PER_CUSTOMER = 5
COMMAND = ".venv/bin/python -m bench.relay"


def customer(name: str) -> Customer:
    """Five events: registered, two identities, a consent, a details update."""
    stamp = Stamp(actor="bench", occurred_at=datetime.now(UTC))
    made = Customer.register(id=uuid4(), kind=CustomerKind.PERSON, details=CustomerDetails(name), **stamp)
    for k in range(2):
        made.add_identity(email_identity(f"{name.replace(' ', '.')}.{k}@example.org"), **stamp)
    made.grant_consent(ConsentChannel.EMAIL, ConsentPurpose.MARKETING_EMAIL, source="bench", **stamp)
    made.update_details(CustomerDetails(f"{name} Jr"), **stamp)
    return made


class Arrivals(threading.Thread):
    """Reads the topic from its current end and notes when each event id first arrives."""

    def __init__(self, servers: str, topic: str) -> None:
        super().__init__(daemon=True)
        self.arrived: dict[str, float] = {}
        self.stopping = threading.Event()
        self.consumer = KafkaConsumer(bootstrap_servers=servers, group_id=None,
                                      enable_auto_commit=False, fetch_max_wait_ms=5)
        partitions = [TopicPartition(topic, p) for p in sorted(self.consumer.partitions_for_topic(topic))]
        self.consumer.assign(partitions)
        self.consumer.seek_to_end(*partitions)
        for partition in partitions:
            self.consumer.position(partition)

    def run(self) -> None:
        while not self.stopping.is_set():
            for records in self.consumer.poll(timeout_ms=50).values():
                now = time.perf_counter()
                for record in records:
                    self.arrived.setdefault(json.loads(record.value)["id"], now)
        self.consumer.close()


class Positions:
    """The relay's published position, read over one connection (not one per look)."""

    def __init__(self, container: Container, topic: str) -> None:
        self.conn = psycopg.connect(container.endpoints.database_url, autocommit=True)
        self.query = sql.SQL("SELECT position FROM {}.relay_position WHERE name = %s").format(
            sql.Identifier(container.settings.db_schema))
        self.topic = topic

    def __call__(self) -> int:
        try:
            row = self.conn.execute(self.query, (self.topic,)).fetchone()
        except psycopg.errors.UndefinedTable:
            return 0
        return int(row[0]) if row else 0


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not happen within {timeout:.0f}s")
        time.sleep(0.01)


@contextmanager
def switchboard_process(container: Container, log: Path, *command: str) -> Iterator[subprocess.Popen[bytes]]:
    """``switchboard <command>`` in a process of its own on the container's services, schema,
    topic and master key; terminated on leaving."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SWITCHBOARD_")}
    env.update(DATABASE_URL=container.endpoints.database_url,
               KAFKA_BOOTSTRAP_SERVERS=container.endpoints.kafka_bootstrap_servers,
               SWITCHBOARD_DB_SCHEMA=container.settings.db_schema,
               SWITCHBOARD_TOPIC_PREFIX=container.settings.topic_prefix)
    if container.settings.master_key is not None:
        env["SWITCHBOARD_MASTER_KEY"] = container.settings.master_key.get_secret_value()
    with log.open("ab") as out:
        proc = subprocess.Popen([sys.executable, "-m", "contact_center.cli", *command], env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def paced_writer(container: Container, name: str, rate: float, until: float,
                 committed: dict[str, float]) -> None:
    interval, next_at, n = EVENTS_PER_CUSTOMER / rate, time.perf_counter(), 0
    while next_at < until:
        time.sleep(max(0.0, next_at - time.perf_counter()))
        made = customer(f"Paced {name} {n}")
        container.app.save(made)
        done = time.perf_counter()
        committed.update({f"{made.id}:{v}": done for v in range(1, made.version + 1)})
        next_at, n = next_at + interval, n + 1


def latency(container: Container, topic: str) -> dict[str, float]:
    arrivals = Arrivals(container.endpoints.kafka_bootstrap_servers, topic)
    arrivals.start()
    committed: dict[str, float] = {}
    began = time.perf_counter()
    writers = [threading.Thread(target=paced_writer,
                                args=(container, str(w), RATE / WRITERS, began + SECONDS, committed))
               for w in range(WRITERS)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    rate = len(committed) / (time.perf_counter() - began)
    wait_until(lambda: committed.keys() <= arrivals.arrived.keys(), 60, "every paced event on Kafka")
    arrivals.stopping.set()
    arrivals.join()
    seconds = sorted(arrivals.arrived[i] - committed[i] for i in committed)
    return {"p50": seconds[len(seconds) // 2], "p99": seconds[int(len(seconds) * 0.99)],
            "max": seconds[-1], "rate": rate, "events": len(committed)}


def drain(container: Container, topic: str, log: Path) -> dict[str, float]:
    per_save = 100
    for n in range(BACKLOG // (per_save * EVENTS_PER_CUSTOMER)):
        container.app.save(*(customer(f"Backlog {n}.{k}") for k in range(per_save)))
    position = Positions(container, topic)
    start, latest = position(), container.app.recorder.max_notification_id() or 0
    with switchboard_process(container, log, "relay"):
        launched = time.perf_counter()
        wait_until(lambda: position() > start, 60, "the relay's first batch")
        first_at, first = time.perf_counter(), position()
        wait_until(lambda: position() == latest, 300, "the backlog drained")
        done = time.perf_counter()
    position.conn.close()
    return {"rate": (latest - first) / (done - first_at), "events": latest - start,
            "total": done - launched}


def run(endpoints: Endpoints, workdir: Path) -> dict[str, dict[str, float]]:
    schema = f"bench_{uuid4().hex[:10]}"
    with psycopg.connect(endpoints.database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    settings = Settings(database_url=endpoints.database_url,
                        kafka_bootstrap_servers=endpoints.kafka_bootstrap_servers, db_schema=schema,
                        topic_prefix=schema, master_key=SecretStr(generate_master_key()),
                        relay_in_process=False, data_dir=workdir)
    container = bootstrap(settings, endpoints)
    topic = f"{schema}.events"
    try:
        with switchboard_process(container, workdir / "relay.log", "relay"):
            container.app.save(customer("Warm-up"))  # the relay creates the topic and connects
            latest = container.app.recorder.max_notification_id() or 0
            position = Positions(container, topic)
            wait_until(lambda: position() == latest, 60, "the warm-up event")
            position.conn.close()
            paced = latency(container, topic)
        drained = drain(container, topic, workdir / "relay.log")
    finally:
        container.close()
        with psycopg.connect(endpoints.database_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))
    return {"paced": paced, "drain": drained}


def table(results: dict[str, dict[str, float]]) -> str:
    paced, drained = results["paced"], results["drain"]
    rows = [
        ("commit → on Kafka, p50", f"{paced['p50'] * 1000:.1f} ms"),
        ("commit → on Kafka, p99", f"{paced['p99'] * 1000:.1f} ms"),
        ("commit → on Kafka, max", f"{paced['max'] * 1000:.1f} ms"),
        (f"paced write rate (target {RATE:,} events/s for {SECONDS:.0f} s, {WRITERS} writers)",
         f"{paced['rate']:,.0f} events/s ({paced['events']:,.0f} events)"),
        (f"relay drain throughput ({drained['events']:,.0f}-event backlog)",
         f"{drained['rate']:,.0f} events/s"),
        ("backlog: relay process start → last acknowledgement", f"{drained['total']:.1f} s"),
    ]
    return "\n".join(["| measure | value |", "|---|---:|", *(f"| {m} | {v} |" for m, v in rows)])




def main() -> None:
    began, load = time.monotonic(), os.getloadavg()[0]
    settings = Settings()
    with bench_services() as (endpoints, tmp):
        results = run(endpoints, tmp)
    configured = configured_elsewhere()
    where = "configured services" if configured else (
        f"embedded PostgreSQL (fsync on) and Kafka {settings.kafka_version} (one broker)")
    report = (f"## Event relay — {datetime.now(UTC):%Y-%m-%d}\n\n"
              f"{os.cpu_count()} CPUs (nproc), Python {platform.python_version()}, "
              f"{platform.system()} {platform.machine()}, load average {load:.1f} at the start; "
              f"{where}, relay and writers all on this machine. Relay batch "
              f"{settings.relay_batch_size}, {settings.event_partitions} partitions, acks=all, "
              f"idempotent producer; personal fields encrypted. "
              f"Command: `{COMMAND}` ({time.monotonic() - began:.0f} s).\n\n{table(results)}")
    print(report)
    append_to_benchmarks(report)


if __name__ == "__main__":
    main()
