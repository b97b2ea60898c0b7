"""Write throughput of interactions: naive saves vs the bulk path, threads vs processes,
personal-data encryption on vs off, and how fast the notification log replays.

    .venv/bin/python -m bench.write_throughput

PostgreSQL is embedded in a temporary directory unless ``DATABASE_URL`` is set; every run
writes to fresh schemas and drops them. The master key is generated for the run. The
table is printed and appended to ``docs/BENCHMARKS.md``.
"""

from __future__ import annotations

import multiprocessing
import os
import platform
import random
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.synchronize import Barrier, Lock
from pathlib import Path
from uuid import UUID, uuid4

from eventsourcing.postgres import PostgresDatastore
from pydantic import SecretStr

from adapters.clock import SystemClock
from adapters.event_store import postgres_env
from adapters.personal_data_mapper import PersonalDataMapper
from adapters.services.stack import Endpoints, LocalStack
from contact_center.application import SwitchboardApplication
from contact_center.bootstrap import data_key_store, event_store
from contact_center.commands import CommandContext, CommandRunner
from contact_center.customers import CustomerService
from contact_center.interactions import InteractionService, LoggedContact
from contact_center.master_key import generate_master_key
from contact_center.settings import Settings
from domain.customer_details import CustomerDetails, CustomerKind
from domain.interaction import Interaction
from domain.interaction_values import Channel, Direction

BATCH = 200
CLIENTS = 8
SECONDS = 6.0  # per write scenario and replay; the naive one gets half
REPLAY_PAGE = 1000
BENCHMARKS = Path(__file__).resolve().parent.parent / "docs" / "BENCHMARKS.md"
COMMAND = ".venv/bin/python -m bench.write_throughput"
CTX = CommandContext(actor="bench")


@dataclass(frozen=True)
class Target:
    """One schema to write to, with personal-data encryption on or off."""

    database_url: str
    schema: str
    master_key: str
    encrypted: bool


@dataclass(frozen=True)
class WriteSide:
    app: SwitchboardApplication
    interactions: InteractionService
    customers: CustomerService


@contextmanager
def write_side(target: Target) -> Iterator[WriteSide]:
    """The write side as the composition root wires it (without Kafka, which writes never touch)."""
    settings = Settings(database_url=target.database_url, db_schema=target.schema,
                        master_key=SecretStr(target.master_key))
    endpoints = Endpoints(target.database_url, "unused:9092")
    keys = data_key_store(settings, endpoints) if target.encrypted else None
    if keys is not None:
        app = event_store(settings, endpoints, keys)
    else:
        env = postgres_env(target.database_url, target.schema, settings.db_pool_size)
        app = SwitchboardApplication(env=env, data_keys=None)
    runner, clock = CommandRunner(app), SystemClock()
    try:
        yield WriteSide(app, InteractionService(runner, clock, settings.default_region),
                        CustomerService(runner, clock, settings.default_region))
    finally:
        app.close()
        if keys is not None:
            keys.pool.close()


def contacts(count: int, customers: list[UUID], rng: random.Random) -> list[LoggedContact]:
    """E-mails as an import brings them: half from known customers, half from strangers."""
    return [LoggedContact(
        channel=Channel.EMAIL, direction=Direction.INBOUND,
        from_address=f"sender{rng.randrange(10**6)}@example.org", to_address="support@example.com",
        subject=f"Order {rng.randrange(10**6)}", body="Hello, my parcel has not arrived yet. " * 4,
        queue="support", customer_id=rng.choice(customers) if rng.random() < 0.5 else None,
    ) for _ in range(count)]


def run_bulk(side: WriteSide, customers: list[UUID], deadline: float, seed: int) -> int:
    rng, stored = random.Random(seed), 0
    while time.monotonic() < deadline:
        stored += len(side.interactions.log_many(CTX, contacts(BATCH, customers, rng)).ids)
    return stored


def naive_rate(target: Target, customers: list[UUID]) -> float:
    """One ``app.save()`` per interaction: what posting them one by one costs the store."""
    rng, stored = random.Random(0), 0
    with write_side(target) as side:
        began = time.monotonic()
        while time.monotonic() < began + SECONDS / 2:
            for c in contacts(50, customers, rng):
                side.app.save(Interaction.log(
                    id=uuid4(), channel=c.channel, direction=c.direction, from_address=c.from_address,
                    to_address=c.to_address, subject=c.subject, body=c.body, queue=c.queue,
                    customer_id=c.customer_id, actor="bench", occurred_at=datetime.now(UTC)))
            stored += 50
        return stored / (time.monotonic() - began)


def _client_process(target: Target, customers: list[UUID], seed: int, opening: Lock, ready: Barrier,
                    results: multiprocessing.Queue[int]) -> None:
    with ExitStack() as stack:
        try:
            with opening:  # one at a time: concurrent CREATE ... IF NOT EXISTS can collide
                side = stack.enter_context(write_side(target))
        except BaseException:
            ready.abort()
            raise
        ready.wait()
        results.put(run_bulk(side, customers, time.monotonic() + SECONDS, seed))


def bulk_rate(target: Target, customers: list[UUID], clients: int, processes: bool) -> float:
    """Interactions/s of ``clients`` concurrent bulk writers, until the last one is done."""
    if not processes:  # threads share one application, as an API server's request threads do
        with write_side(target) as side, ThreadPoolExecutor(clients) as pool:
            began = time.monotonic()
            total = sum(pool.map(lambda n: run_bulk(side, customers, began + SECONDS, n),
                                 range(clients)))
            return total / (time.monotonic() - began)
    spawn = multiprocessing.get_context("spawn")  # each its own application, as API workers
    opening, ready, results = spawn.Lock(), spawn.Barrier(clients + 1), spawn.Queue()
    workers = [spawn.Process(target=_client_process,
                             args=(target, customers, n, opening, ready, results))
               for n in range(clients)]
    for worker in workers:
        worker.start()
    ready.wait(timeout=120)
    began = time.monotonic()
    total = sum(results.get(timeout=SECONDS + 120) for _ in workers)
    elapsed = time.monotonic() - began
    for worker in workers:
        worker.join()
    return total / elapsed


def replay_rate(target: Target, prefetch: bool) -> float:
    """Events/s read back through the mapper, as a projection rebuild reads the log; with
    ``prefetch`` the keys of each page are loaded in one query first."""
    with write_side(target) as side:  # a fresh application: cold key cache, as after a restart
        recorder, mapper = side.app.recorder, side.app.mapper
        began, count, start = time.monotonic(), 0, 1
        while time.monotonic() - began < SECONDS:
            page = recorder.select_notifications(start, REPLAY_PAGE)
            if not page:
                break
            if prefetch and isinstance(mapper, PersonalDataMapper):
                mapper.prefetch_keys(page)
            for notification in page:
                mapper.to_domain_event(notification)
            count, start = count + len(page), page[-1].id + 1
        return count / (time.monotonic() - began)


def register_customers(target: Target, count: int = 20) -> list[UUID]:
    with write_side(target) as side:
        return [side.customers.register(CTX, CustomerKind.PERSON, CustomerDetails(f"Customer {n}"),
                                        []).id for n in range(count)]


@contextmanager
def fresh_schemas(database_url: str, names: list[str]) -> Iterator[None]:
    env = postgres_env(database_url, "public")
    with PostgresDatastore(env["POSTGRES_DBNAME"], env["POSTGRES_HOST"], env["POSTGRES_PORT"],
                           env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]) as admin:
        with admin.transaction(commit=True) as cursor:
            cursor.execute("".join(f'CREATE SCHEMA "{name}";' for name in names))
        try:
            yield
        finally:
            with admin.transaction(commit=True) as cursor:
                cursor.execute("".join(f'DROP SCHEMA IF EXISTS "{name}" CASCADE;' for name in names))


@contextmanager
def database() -> Iterator[str]:
    """``DATABASE_URL``, or an embedded PostgreSQL in a temporary directory."""
    configured = os.environ.get("DATABASE_URL")
    if configured:
        yield configured
        return
    settings = Settings()
    with tempfile.TemporaryDirectory(prefix="switchboard-bench-") as tmp:
        stack = LocalStack(cache_dir=settings.cache_dir, data_dir=Path(tmp),
                           kafka_version=settings.kafka_version)
        try:
            yield stack.postgres.start(timeout=settings.service_start_timeout)
        finally:
            stack.down()


@dataclass(frozen=True)
class Row:
    scenario: str
    encryption: str
    clients: str
    rate: float
    unit: str = "interactions/s"


def measure(database_url: str) -> list[Row]:
    run, key = uuid4().hex[:8], generate_master_key()
    on = Target(database_url, f"bench_{run}_on", key, encrypted=True)
    off = Target(database_url, f"bench_{run}_off", key, encrypted=False)
    with fresh_schemas(database_url, [on.schema, off.schema]):
        customers = {target: register_customers(target) for target in (on, off)}
        rows = [Row("naive: one `app.save()` per interaction", "on", "1",
                    naive_rate(on, customers[on]))]
        for target, encryption in ((on, "on"), (off, "off")):
            for clients, processes in ((1, False), (CLIENTS, False), (CLIENTS, True)):
                how = "1" if clients == 1 else f"{clients} {'processes' if processes else 'threads'}"
                rows.append(Row(f"`log_many`, batches of {BATCH}", encryption, how,
                                bulk_rate(target, customers[target], clients, processes)))
        rows += [Row("replay through the mapper, one key query per cold subject", "on", "1",
                     replay_rate(on, prefetch=False), "events/s"),
                 Row(f"replay through the mapper, keys prefetched per page of {REPLAY_PAGE}", "on",
                     "1", replay_rate(on, prefetch=True), "events/s"),
                 Row("replay through the mapper", "off", "1", replay_rate(off, False), "events/s")]
    return rows


def table(rows: list[Row]) -> str:
    baseline = rows[0].rate
    lines = ["| scenario | personal-data encryption | clients | rate | × naive |",
             "|---|---|---|---:|---:|"]
    for row in rows:
        ratio = f"{row.rate / baseline:.1f}×" if row.unit == "interactions/s" else "–"
        lines.append(f"| {row.scenario} | {row.encryption} | {row.clients} | "
                     f"{row.rate:,.0f} {row.unit} | {ratio} |")
    return "\n".join(lines)


def append_to_benchmarks(text: str) -> None:
    """Append, never rewrite: other benchmarks keep their tables in the same file."""
    if not BENCHMARKS.exists():
        BENCHMARKS.write_text("# Benchmarks\n")
    with BENCHMARKS.open("a") as out:
        out.write(f"\n{text}\n")


def main() -> None:
    began = time.monotonic()
    with database() as database_url:
        rows = measure(database_url)
    where = "from DATABASE_URL" if os.environ.get("DATABASE_URL") else "embedded (fsync on)"
    report = (f"## Write throughput — {datetime.now(UTC):%Y-%m-%d}\n\n"
              f"{len(os.sched_getaffinity(0))} CPUs (nproc), Python {platform.python_version()}, "
              f"{platform.system()} {platform.machine()}; PostgreSQL {where}, on this machine. "
              f"E-mails with from, to, subject and body; half name one of 20 customers. "
              f"Command: `{COMMAND}` ({time.monotonic() - began:.0f} s).\n\n{table(rows)}")
    print(report)
    append_to_benchmarks(report)


if __name__ == "__main__":
    main()
