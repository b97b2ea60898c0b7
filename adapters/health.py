"""Dependency probes behind one small Protocol, for /readyz."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import psycopg

from adapters.kafka_admin import kafka_problem


class DependencyProbe(Protocol):
    @property
    def name(self) -> str: ...

    def problem(self) -> str | None:
        """None when the dependency answers, else a one-line reason."""


@dataclass(frozen=True)
class PostgresProbe:
    url: str
    name: str = "postgres"

    def problem(self) -> str | None:
        try:
            with psycopg.connect(self.url, connect_timeout=2) as conn:
                conn.execute("SELECT 1")
        except psycopg.Error as exc:
            return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0]}"
        return None


@dataclass(frozen=True)
class KafkaProbe:
    bootstrap_servers: str
    name: str = "kafka"

    def problem(self) -> str | None:
        return kafka_problem(self.bootstrap_servers, timeout_ms=2000)
