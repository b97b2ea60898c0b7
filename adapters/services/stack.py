"""The local service stack: PostgreSQL and Kafka, each embedded unless an URL is configured."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from adapters.services.kafka_broker import KafkaBroker
from adapters.services.postgres_server import PostgresServer


@dataclass(frozen=True)
class Endpoints:
    database_url: str
    kafka_bootstrap_servers: str


@dataclass(frozen=True)
class ServiceStatus:
    name: str
    running: bool
    embedded: bool
    address: str | None
    pid: int | None


@dataclass(frozen=True)
class LocalStack:
    cache_dir: Path
    data_dir: Path
    kafka_version: str
    database_url: str | None = None
    kafka_bootstrap_servers: str | None = None
    postgres_port: int = 0
    kafka_port: int = 0
    start_timeout: float = 90.0

    @property
    def postgres(self) -> PostgresServer:
        return PostgresServer(self.data_dir)

    @property
    def kafka(self) -> KafkaBroker:
        return KafkaBroker(self.cache_dir, self.data_dir, self.kafka_version)

    def up(self) -> Endpoints:
        """Start whatever is embedded and not yet running; idempotent."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        database_url = self.database_url or self.postgres.start(
            port=self.postgres_port, timeout=self.start_timeout
        )
        servers = self.kafka_bootstrap_servers or self.kafka.start(
            port=self.kafka_port, timeout=self.start_timeout
        )
        return Endpoints(database_url, servers)

    def down(self) -> list[str]:
        """Stop the embedded services we started; returns the names stopped."""
        stopped = []
        if self.kafka_bootstrap_servers is None and self.kafka.stop():
            stopped.append("kafka")
        if self.database_url is None and self.postgres.stop():
            stopped.append("postgres")
        return stopped

    def endpoints(self) -> Endpoints | None:
        """Where the services are, if they are known; None when an embedded one is not running."""
        database_url = self.database_url
        if database_url is None and self.postgres.running_pid() is not None:
            database_url = self.postgres.url()
        servers = self.kafka_bootstrap_servers
        if servers is None and self.kafka.running_pid() is not None:
            servers = self.kafka.bootstrap_servers()
        if database_url is None or servers is None:
            return None
        return Endpoints(database_url, servers)

    def status(self) -> list[ServiceStatus]:
        pg_pid = None if self.database_url else self.postgres.running_pid()
        kafka_pid = None if self.kafka_bootstrap_servers else self.kafka.running_pid()
        return [
            ServiceStatus("postgres", self.database_url is not None or pg_pid is not None,
                          self.database_url is None, self.database_url or self.postgres.url(), pg_pid),
            ServiceStatus("kafka", self.kafka_bootstrap_servers is not None or kafka_pid is not None,
                          self.kafka_bootstrap_servers is None,
                          self.kafka_bootstrap_servers or self.kafka.bootstrap_servers(), kafka_pid),
        ]
