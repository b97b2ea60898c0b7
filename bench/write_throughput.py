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
from bench.services import append_to_benchmarks
from contact_center.application import SwitchboardApplication
from contact_center.bootstrap import event_store
from contact_center.commands import CommandContext, CommandRunner
from contact_center.customers import CustomerService
from contact_center.event_log_wiring import data_key_store
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
COMMAND = ".venv/bin/python -m bench.write_throughput"
CTX = CommandContext(actor="bench")
WRITES, READS = "interactions/s", "events/s"
Row = tuple[str, str, str, float, str]  # scenario, personal-data encryption, clients, rate, unit


@dataclass(frozen=True)
class Target:
    """One schema to write to, with personal-data encryption on or off."""

    database_url: str
    schema: str
    master_key: str
    encrypted: bool


@contextmanager
def write_side(target: Target) -> Iterator[InteractionService]:
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
    try:
        yield InteractionService(CommandRunner(app), SystemClock(), settings.default_region)
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


def run_bulk(interactions: InteractionService, customers: list[UUID], deadline: float, seed: int) -> int:
    rng, stored = random.Random(seed), 0
    while time.monotonic() < deadline:
        stored += len(interactions.log_many(CTX, contacts(BATCH, customers, rng)).ids)
    return stored


def naive_rate(target: Target, customers: list[UUID]) -> float:
    """One ``app.save()`` per interaction: what posting them one by one costs the store."""
    rng, stored = random.Random(0), 0
    with write_side(target) as interactions:
        began = time.monotonic()
        while time.monotonic() < began + SECONDS / 2:
            for c in contacts(50, customers, rng):
                interactions.runner.app.save(Interaction.log(
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
                interactions = stack.enter_context(write_side(target))
        except BaseException:
            ready.abort()
            raise
        ready.wait()
        results.put(run_bulk(interactions, customers, time.monotonic() + SECONDS, seed))


def bulk_rate(target: Target, customers: list[UUID], clients: int, processes: bool) -> float:
    """Interactions/s of ``clients`` concurrent bulk writers, until the last one is done."""
    if not processes:  # threads share one application, as an API server's request threads do
        with write_side(target) as interactions, ThreadPoolExecutor(clients) as pool:
            began = time.monotonic()
            total = sum(pool.map(lambda n: run_bulk(interactions, customers, began + SECONDS, n),
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
    with write_side(target) as interactions:  # a fresh application: cold key cache, as after a restart
        recorder, mapper = interactions.runner.app.recorder, interactions.runner.app.mapper
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
    with write_side(target) as interactions:
        service = CustomerService(interactions.runner, SystemClock(), "DE")  # no phone numbers
        return [service.register(CTX, CustomerKind.PERSON, CustomerDetails(f"Customer {n}"), []).id
                for n in range(count)]


@contextmanager
def database(schemas: list[str]) -> Iterator[str]:
    """``DATABASE_URL``, or an embedded PostgreSQL in a temporary directory; with fresh schemas."""
    settings, configured = Settings(), os.environ.get("DATABASE_URL")
    with tempfile.TemporaryDirectory(prefix="switchboard-bench-") as tmp, ExitStack() as stack:
        server = LocalStack(cache_dir=settings.cache_dir, data_dir=Path(tmp),
                            kafka_version=settings.kafka_version, database_url=configured)
        stack.callback(server.down)  # stops only what it started
        url = configured or server.postgres.start(timeout=settings.service_start_timeout)
        env = postgres_env(url, "public")
        admin = stack.enter_context(PostgresDatastore(
            env["POSTGRES_DBNAME"], env["POSTGRES_HOST"], env["POSTGRES_PORT"], env["POSTGRES_USER"],
            env["POSTGRES_PASSWORD"]))
        with admin.transaction(commit=True) as cursor:
            cursor.execute("".join(f'CREATE SCHEMA "{name}";' for name in schemas))
        try:
            yield url
        finally:
            with admin.transaction(commit=True) as cursor:
                cursor.execute("".join(f'DROP SCHEMA IF EXISTS "{name}" CASCADE;' for name in schemas))


def measure() -> list[Row]:
    run, key = uuid4().hex[:8], generate_master_key()
    with database([f"bench_{run}_on", f"bench_{run}_off"]) as database_url:
        on = Target(database_url, f"bench_{run}_on", key, encrypted=True)
        off = Target(database_url, f"bench_{run}_off", key, encrypted=False)
        customers = {target: register_customers(target) for target in (on, off)}
        rows: list[Row] = [("naive: one `app.save()` per interaction", "on", "1",
                            naive_rate(on, customers[on]), WRITES)]
        for target, encryption in ((on, "on"), (off, "off")):
            for clients, processes in ((1, False), (CLIENTS, False), (CLIENTS, True)):
                how = "1" if clients == 1 else f"{clients} {'processes' if processes else 'threads'}"
                rows.append((f"`log_many`, batches of {BATCH}", encryption, how,
                             bulk_rate(target, customers[target], clients, processes), WRITES))
        rows += [("replay through the mapper, one key query per cold subject", "on", "1",
                  replay_rate(on, prefetch=False), READS),
                 (f"replay through the mapper, keys prefetched per page of {REPLAY_PAGE}", "on", "1",
                  replay_rate(on, prefetch=True), READS),
                 ("replay through the mapper", "off", "1", replay_rate(off, False), READS)]
    return rows


def table(rows: list[Row]) -> str:
    baseline = rows[0][3]
    lines = ["| scenario | personal-data encryption | clients | rate | × naive |",
             "|---|---|---|---:|---:|"]
    for scenario, encryption, clients, rate, unit in rows:
        ratio = f"{rate / baseline:.1f}×" if unit == WRITES else "–"
        lines.append(f"| {scenario} | {encryption} | {clients} | {rate:,.0f} {unit} | {ratio} |")
    return "\n".join(lines)




def main() -> None:
    began, load = time.monotonic(), os.getloadavg()[0]  # other work on the machine skews rates
    rows = measure()
    where = "from DATABASE_URL" if os.environ.get("DATABASE_URL") else "embedded (fsync on)"
    report = (f"## Write throughput — {datetime.now(UTC):%Y-%m-%d}\n\n"
              f"{len(os.sched_getaffinity(0))} CPUs (nproc), Python {platform.python_version()}, "
              f"{platform.system()} {platform.machine()}, load average {load:.1f} at start and "
              f"{os.getloadavg()[0]:.1f} at the end; PostgreSQL {where}, on this machine. E-mails "
              f"with from, to, subject and body; half name one of 20 customers. Command: "
              f"`{COMMAND}` ({time.monotonic() - began:.0f} s).\n\n{table(rows)}")
    print(report)
    append_to_benchmarks(report)


if __name__ == "__main__":
    main()
