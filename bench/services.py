"""The services a benchmark runs against: the configured ones, or embedded ones it starts."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from adapters.services.stack import Endpoints, LocalStack
from contact_center.settings import Settings

BENCHMARKS = Path(__file__).resolve().parent.parent / "docs" / "BENCHMARKS.md"


def append_to_benchmarks(text: str) -> None:
    """Append, never rewrite: every benchmark keeps its tables in the same file."""
    if not BENCHMARKS.exists():
        BENCHMARKS.write_text("# Benchmarks\n")
    with BENCHMARKS.open("a") as out:
        out.write(f"\n{text}\n")


def configured_elsewhere() -> bool:
    """True when the run uses services named by ``DATABASE_URL`` / ``KAFKA_BOOTSTRAP_SERVERS``."""
    return bool(os.environ.get("DATABASE_URL") or os.environ.get("KAFKA_BOOTSTRAP_SERVERS"))


@contextmanager
def bench_services() -> Iterator[tuple[Endpoints, Path]]:
    """PostgreSQL and Kafka (started in a temporary directory unless configured) and that
    directory, for the benchmark's own files; stops only what it started."""
    settings = Settings()
    with tempfile.TemporaryDirectory(prefix="switchboard-bench-") as tmp:
        stack = LocalStack(cache_dir=settings.cache_dir, data_dir=Path(tmp),
                           kafka_version=settings.kafka_version,
                           database_url=os.environ.get("DATABASE_URL"),
                           kafka_bootstrap_servers=os.environ.get("KAFKA_BOOTSTRAP_SERVERS"))
        try:
            yield stack.up(), Path(tmp)
        finally:
            stack.down()
