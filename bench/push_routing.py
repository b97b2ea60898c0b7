"""Routing a push frame between API processes: PostgreSQL LISTEN/NOTIFY against a Kafka topic.

    .venv/bin/python -m bench.push_routing

Both carry the same ~1 KB screen-pop frame from a publisher thread to a listener, paced at
50 and 500 frames/s. PostgreSQL: :class:`PostgresPushStore` numbers, stores and NOTIFYs the
frame in one transaction and :class:`PostgresPushFeed` (asyncio, as in ``serve``) hears it.
Kafka: an idempotent ``acks=all`` producer sends to ``<prefix>.push`` keyed by agent id and
waits for the acknowledgement; a consumer on every partition (as each API process would
need) polls it. Latency runs from just before the publish call to the listener's receipt.
PostgreSQL and Kafka are embedded in a temporary directory unless ``DATABASE_URL`` /
``KAFKA_BOOTSTRAP_SERVERS`` are set. The table is printed and appended to ``docs/BENCHMARKS.md``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import platform
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from uuid import UUID, uuid4

import psycopg
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from psycopg import sql

from adapters.kafka_admin import ensure_topic
from adapters.push_feed import PostgresPushFeed
from adapters.push_store import OutgoingFrame, PostgresPushStore, RoutedFrame
from adapters.services.stack import Endpoints
from bench.services import append_to_benchmarks, bench_services, configured_elsewhere
from contact_center.settings import Settings

AGENTS = [uuid4() for _ in range(50)]
RATES = ((50, 1000), (500, 2000))  # frames/s, frames
COMMAND = ".venv/bin/python -m bench.push_routing"


def frame_data(n: int) -> dict[str, object]:
    return {"call_id": f"call-{n}", "interaction_id": str(uuid4()), "caller": "+4930123456",
            "match": "single", "candidates": [{"customer_id": str(uuid4()), "display_name": "Ada Lovelace"}],
            "card": {"display_name": "Ada Lovelace", "notes": "x" * 700}}


def paced(rate: int, count: int, publish: Callable[[int], object], sent: dict[int, float]) -> None:
    next_at = time.perf_counter()
    for n in range(count):
        time.sleep(max(0.0, next_at - time.perf_counter()))
        sent[n] = time.perf_counter()
        publish(n)
        next_at += 1 / rate


def wait_for(condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("frames did not all arrive")
        time.sleep(0.01)


def summary(sent: dict[int, float], got: dict[int, float]) -> dict[str, float]:
    seconds = sorted(got[n] - sent[n] for n in sent)
    return {"p50": seconds[len(seconds) // 2], "p99": seconds[int(len(seconds) * 0.99)], "max": seconds[-1]}


def postgres(endpoints: Endpoints, schema: str, rate: int, count: int) -> dict[str, float]:
    store = PostgresPushStore(endpoints.database_url, schema, window_frames=500, window_seconds=600)
    feed = PostgresPushFeed(endpoints.database_url, schema, store)
    got: dict[int, float] = {}
    listening = threading.Event()
    loop = asyncio.new_event_loop()

    def deliver(frame: RoutedFrame) -> None:
        got[int(json.loads(frame.body)["call_id"].split("-")[1])] = time.perf_counter()

    async def listen() -> None:
        with contextlib.suppress(asyncio.CancelledError):
            await feed.run(deliver, listening.set)

    task = loop.create_task(listen())
    thread = threading.Thread(target=loop.run_until_complete, args=(task,), daemon=True)
    thread.start()
    listening.wait(10)
    sent: dict[int, float] = {}
    paced(rate, count, lambda n: store.append([OutgoingFrame(AGENTS[n % len(AGENTS)], "screen_pop",
                                                             frame_data(n))]), sent)
    wait_for(lambda: len(got) == count)
    loop.call_soon_threadsafe(task.cancel)
    thread.join(10)
    store.close()
    return summary(sent, got)


def kafka(endpoints: Endpoints, topic: str, rate: int, count: int) -> dict[str, float]:
    servers = endpoints.kafka_bootstrap_servers
    ensure_topic(servers, topic, partitions=6, config={"retention.ms": "600000"})
    producer = KafkaProducer(bootstrap_servers=servers, acks="all", enable_idempotence=True, linger_ms=0)
    consumer = KafkaConsumer(bootstrap_servers=servers, group_id=None, enable_auto_commit=False,
                             fetch_max_wait_ms=5)
    partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic))]
    consumer.assign(partitions)
    consumer.seek_to_end(*partitions)
    for partition in partitions:
        consumer.position(partition)
    got: dict[int, float] = {}
    stopping = threading.Event()

    def listen() -> None:
        while not stopping.is_set():
            for records in consumer.poll(timeout_ms=50).values():
                now = time.perf_counter()
                for record in records:
                    got[int(json.loads(record.value)["call_id"].split("-")[1])] = now

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()

    def publish(n: int) -> None:
        agent: UUID = AGENTS[n % len(AGENTS)]
        body = json.dumps({"type": "screen_pop", **frame_data(n)}).encode()
        producer.send(topic, key=str(agent).encode(), value=body).get(timeout=10)

    sent: dict[int, float] = {}
    paced(rate, count, publish, sent)
    wait_for(lambda: len(got) == count)
    stopping.set()
    listener.join(10)
    consumer.close()
    producer.close()
    return summary(sent, got)


def run(endpoints: Endpoints) -> list[tuple[str, int, dict[str, float]]]:
    schema = f"bench_{uuid4().hex[:10]}"
    with psycopg.connect(endpoints.database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    results = []
    try:
        postgres(endpoints, schema, 50, 100)  # warm-up: tables, pool, plans
        kafka(endpoints, f"{schema}.push", 50, 100)
        for rate, count in RATES:
            results.append(("PostgreSQL LISTEN/NOTIFY (frame stored, seq assigned)", rate,
                            postgres(endpoints, schema, rate, count)))
            results.append(("Kafka topic, acks=all, consumer on all partitions", rate,
                            kafka(endpoints, f"{schema}.push", rate, count)))
    finally:
        with psycopg.connect(endpoints.database_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))
    return results


def table(results: list[tuple[str, int, dict[str, float]]]) -> str:
    rows = [f"| {route} | {rate} | {r['p50'] * 1000:.2f} ms | {r['p99'] * 1000:.2f} ms | "
            f"{r['max'] * 1000:.1f} ms |" for route, rate, r in results]
    return "\n".join(["| route | frames/s | p50 | p99 | max |", "|---|---:|---:|---:|---:|", *rows])


def main() -> None:
    began, load = time.monotonic(), os.getloadavg()[0]
    settings = Settings()
    with bench_services() as (endpoints, tmp):
        results = run(endpoints)
    configured = configured_elsewhere()
    where = "configured services" if configured else (
        f"embedded PostgreSQL (fsync on) and Kafka {settings.kafka_version} (one broker)")
    report = (f"## Push routing — {datetime.now(UTC):%Y-%m-%d}\n\n"
              f"{os.cpu_count()} CPUs (nproc), Python {platform.python_version()}, "
              f"{platform.system()} {platform.machine()}, load average {load:.1f} at the start; "
              f"{where}, publisher and listener in one process. Publish call → listener receipt of "
              f"a ~1 KB screen-pop frame. Command: `{COMMAND}` ({time.monotonic() - began:.0f} s)."
              f"\n\n{table(results)}")
    print(report)
    append_to_benchmarks(report)


if __name__ == "__main__":
    main()
