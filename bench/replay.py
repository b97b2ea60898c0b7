"""As-of reconstruction of a long-lived customer, with and without snapshots, and the rate
at which the hash chains are verified over a million events: by ``switchboard audit verify``
as an operator runs it (progress bar, peak RSS of the command, against a run over the first
10,000 events), and in process.

    .venv/bin/python -m bench.replay [--events N]

PostgreSQL is embedded in a temporary directory unless ``DATABASE_URL`` is set; the run
writes to a fresh schema and drops it. The master key is generated for the run and the
container is built as the composition root builds it (Kafka is never touched). The table is
printed and appended to ``docs/BENCHMARKS.md``.

Without snapshots means a second application on the same schema whose
``snapshotting_intervals`` is empty, so it has no snapshot store and its repository folds
every stored event from version 1 (the snapshots in the table are simply not read).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar
from uuid import UUID, uuid4

from eventsourcing.postgres import PostgresDatastore
from pydantic import SecretStr

from adapters.event_store import postgres_env
from adapters.services.stack import Endpoints, LocalStack
from bench.services import append_to_benchmarks
from contact_center.application import SwitchboardApplication
from contact_center.bootstrap import Container, bootstrap
from contact_center.master_key import generate_master_key
from contact_center.settings import Settings
from domain.consent import ConsentChannel, ConsentPurpose
from domain.customer import Customer
from domain.customer_details import CustomerDetails, CustomerKind
from tests.bulk_events import EVENTS_PER_CUSTOMER, save_batch

HISTORY = 10_000  # events of the one customer, registration included
CHUNK = 500  # events per save
MIDDLE = 5_025  # 25 events past the snapshot at 5,000 (the interval is 50)
REPEATS = 5
CUSTOMERS_PER_SAVE = 50  # 500 events per transaction for the chain
EVENTS = 1_000_000  # written in bulk for the chain verification
COMMAND = ".venv/bin/python -m bench.replay"
Row = tuple[str, str]


class WithoutSnapshots(SwitchboardApplication):
    """The same application with snapshotting off: no snapshot store, full replays."""

    name = SwitchboardApplication.name  # a subclass would otherwise get tables of its own name
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {}


@contextmanager
def database(schema: str) -> Iterator[tuple[str, Path]]:
    """``DATABASE_URL``, or an embedded PostgreSQL in a temporary directory; with a fresh schema."""
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
            cursor.execute(f'CREATE SCHEMA "{schema}";')
        try:
            yield url, Path(tmp)
        finally:
            with admin.transaction(commit=True) as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE;')


def write_history(app: SwitchboardApplication, events: int) -> UUID:
    """One customer: registered, then consent granted and withdrawn in turn, a second apart."""
    at = datetime(2020, 1, 1, tzinfo=UTC)
    customer = Customer.register(id=uuid4(), kind=CustomerKind.PERSON,
                                 details=CustomerDetails(display_name="Long-lived Customer"),
                                 actor="bench", occurred_at=at)
    channel, purpose = ConsentChannel.EMAIL, ConsentPurpose.MARKETING_EMAIL
    for n in range(1, events):
        at += timedelta(seconds=1)
        if n % 2:
            customer.grant_consent(channel, purpose, source="web form", actor="bench", occurred_at=at)
        else:
            customer.withdraw_consent(channel, purpose, source="unsubscribe link", actor="bench",
                                      occurred_at=at)
        if (n + 1) % CHUNK == 0:
            app.save(customer)
    app.save(customer)
    return customer.id


def median_ms(action: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEATS):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def reconstruction(container: Container, customer_id: UUID) -> list[Row]:
    snapshotted = container.app
    env = postgres_env(container.endpoints.database_url, container.settings.db_schema)
    plain = WithoutSnapshots(env=env, data_keys=container.data_keys)
    try:
        assert snapshotted.snapshots is not None
        assert plain.snapshots is None
        snapshots = len(list(snapshotted.snapshots.get(customer_id)))
        rows: list[Row] = []
        for label, version in (("latest", HISTORY), ("middle", MIDDLE)):
            for app, how in ((snapshotted, "with snapshots"), (plain, "without snapshots")):
                aggregate: Customer = app.repository.get(customer_id, version=version)  # warm up
                assert aggregate.version == version

                def get(app: SwitchboardApplication = app, version: int = version) -> Customer:
                    found: Customer = app.repository.get(customer_id, version=version)
                    return found

                ms = median_ms(get)
                rows.append((f"as-of reconstruction, {label} version {version:,} of {HISTORY:,}, "
                             f"{how} (median of {REPEATS})", f"{ms:,.1f} ms"))
        rows.append(("snapshots stored for that customer (every 50 versions)", f"{snapshots:,}"))
        return rows
    finally:
        plain.close()


def current_rss_kib() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def verify_command(container: Container) -> tuple[float, int]:
    """Run ``switchboard audit verify`` as an operator does, its progress bar on this terminal;
    its wall time (start-up included) and peak RSS in KiB."""
    settings = container.settings
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("SWITCHBOARD_")},
           "DATABASE_URL": container.endpoints.database_url, "KAFKA_BOOTSTRAP_SERVERS": "unused:9092",
           "SWITCHBOARD_DB_SCHEMA": settings.db_schema, "SWITCHBOARD_DATA_DIR": str(settings.data_dir),
           "SWITCHBOARD_MASTER_KEY": settings.master_key.get_secret_value() if settings.master_key else ""}
    began = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "contact_center.cli", "audit", "verify"], env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"switchboard audit verify exited with {proc.returncode}")
    return time.perf_counter() - began, int(usage.ru_maxrss)


def bulk_write(container: Container, events: int) -> Row:
    saves = -(-events // (CUSTOMERS_PER_SAVE * EVENTS_PER_CUSTOMER))
    began = time.perf_counter()
    for n in range(saves):
        save_batch(container.app, CUSTOMERS_PER_SAVE, [], str(n))
    write_seconds = time.perf_counter() - began
    written = saves * CUSTOMERS_PER_SAVE * EVENTS_PER_CUSTOMER
    return (f"bulk write for the chain (`save_batch`, {CUSTOMERS_PER_SAVE * EVENTS_PER_CUSTOMER} "
            "events per save)", f"{written:,} events at {written / write_seconds:,.0f} events/s")


def verification(container: Container, events: int) -> list[Row]:
    verifier = container.chain_verifier
    small_events = verifier.total()
    small_seconds, small_peak = verify_command(container)
    rows = [bulk_write(container, events)]
    total = verifier.total()
    seconds, peak = verify_command(container)
    rows += [
        (f"`switchboard audit verify` over {small_events:,} events: wall time (start-up included), "
         "peak RSS (`wait4` ru_maxrss)", f"{small_seconds:.1f} s, {small_peak / 1024:,.0f} MiB"),
        (f"`switchboard audit verify` over {total:,} events, as an operator runs it (progress "
         "bar): wall time, peak RSS",
         f"{seconds:.1f} s = {total / seconds:,.0f} events/s, {peak / 1024:,.0f} MiB"),
    ]
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rss_before, sampled, done = current_rss_kib(), [current_rss_kib()], threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            sampled.append(current_rss_kib())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    began = time.perf_counter()
    result = verifier.verify()
    seconds = time.perf_counter() - began
    done.set()
    sampler.join()
    peak_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert result.ok, result.first_break
    return [*rows,
        ("chain verification in process (`ChainVerifier.verify()`, both passes)",
         f"{result.events:,} events in {seconds:.1f} s = {result.events / seconds:,.0f} events/s"),
        ("in-process RSS during verification: at start → sampled peak (every 50 ms)",
         f"{rss_before / 1024:,.0f} → {max(sampled) / 1024:,.0f} MiB"),
        ("in-process peak RSS (`getrusage` ru_maxrss) before → after verification",
         f"{peak_before / 1024:,.0f} → {peak_after / 1024:,.0f} MiB"),
    ]


@contextmanager
def write_side() -> Iterator[Container]:
    """The application on a fresh schema (Kafka unused: these benchmarks read the store)."""
    schema = f"bench_{uuid4().hex[:10]}"
    with database(schema) as (database_url, workdir):
        settings = Settings(database_url=database_url, db_schema=schema, data_dir=workdir,
                            master_key=SecretStr(generate_master_key()))
        container = bootstrap(settings, Endpoints(database_url, "unused:9092"))
        try:
            yield container
        finally:
            container.close()


def measure(events: int) -> list[Row]:
    with write_side() as container:
        began = time.perf_counter()
        customer_id = write_history(container.app, HISTORY)
        rows: list[Row] = [(f"write one customer's {HISTORY:,} events (saves of {CHUNK})",
                            f"{time.perf_counter() - began:.1f} s")]
        rows += reconstruction(container, customer_id)
        rows += verification(container, events)
        return rows


def table(rows: list[Row]) -> str:
    return "\n".join(["| measure | value |", "|---|---:|",
                      *(f"| {measure} | {value} |" for measure, value in rows)])




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=EVENTS,
                        help=f"events to write for the chain verification (default {EVENTS:,})")
    args = parser.parse_args()
    began, load = time.monotonic(), os.getloadavg()[0]
    rows = measure(args.events)
    where = "from DATABASE_URL" if os.environ.get("DATABASE_URL") else "embedded (fsync on)"
    command = COMMAND if args.events == EVENTS else f"{COMMAND} --events {args.events}"
    report = (f"## Replay and chain verification — {datetime.now(UTC):%Y-%m-%d}\n\n"
              f"{len(os.sched_getaffinity(0))} CPUs (nproc), Python {platform.python_version()}, "
              f"{platform.system()} {platform.machine()}, load average {load:.1f} at start and "
              f"{os.getloadavg()[0]:.1f} at the end; PostgreSQL {where}, on this machine; personal "
              f"fields encrypted. One customer registered, then consent granted and withdrawn in "
              f"turn; without snapshots = a second application on the same schema with "
              f"`snapshotting_intervals` empty (no snapshot store, every event folded). The chain "
              f"count includes that customer's events. Command: `{command}` "
              f"({time.monotonic() - began:.0f} s).\n\n{table(rows)}")
    print(report)
    append_to_benchmarks(report)


if __name__ == "__main__":
    main()
