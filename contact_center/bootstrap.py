"""The composition root: settings → adapters → services. Entry points call this and nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field

from eventsourcing.persistence import InterfaceError, OperationalError
from psycopg_pool import ConnectionPool

from adapters.clock import Clock, SystemClock
from adapters.data_keys import DataKeyStore
from adapters.event_store import postgres_env
from adapters.health import DependencyProbe, KafkaProbe, PostgresProbe
from adapters.services.processes import ServiceError
from adapters.services.stack import Endpoints, LocalStack
from contact_center.agents import AgentService
from contact_center.application import SwitchboardApplication
from contact_center.cases import CaseService
from contact_center.commands import CommandRunner
from contact_center.customers import CustomerService
from contact_center.data_protection import DataProtectionService
from contact_center.interactions import InteractionService
from contact_center.master_key import load_keyring
from contact_center.retention import RetentionService
from contact_center.settings import Settings


def local_stack(settings: Settings) -> LocalStack:
    return LocalStack(
        cache_dir=settings.cache_dir,
        data_dir=settings.data_dir,
        kafka_version=settings.kafka_version,
        database_url=settings.database_url,
        kafka_bootstrap_servers=settings.kafka_bootstrap_servers,
        postgres_port=settings.postgres_port,
        kafka_port=settings.kafka_port,
        start_timeout=settings.service_start_timeout,
    )


def resolve_endpoints(settings: Settings) -> Endpoints:
    """Configured URLs win; otherwise the embedded services must be running."""
    endpoints = local_stack(settings).endpoints()
    if endpoints is None:
        raise ServiceError("services are not running: start them with `switchboard services up`")
    return endpoints


@dataclass
class Container:
    settings: Settings
    endpoints: Endpoints
    app: SwitchboardApplication
    data_keys: DataKeyStore
    data_protection: DataProtectionService
    retention: RetentionService
    customers: CustomerService
    cases: CaseService
    agents: AgentService
    interactions: InteractionService
    probes: list[DependencyProbe] = field(default_factory=list)

    def close(self) -> None:
        """Release pools and clients held by the wired services."""
        self.app.close()
        self.data_keys.pool.close()


def data_key_store(settings: Settings, endpoints: Endpoints) -> DataKeyStore:
    keyring = load_keyring(settings)  # first: a missing key fails before anything connects
    pool: ConnectionPool = ConnectionPool(endpoints.database_url, min_size=1, max_size=4, open=True)
    return DataKeyStore(pool, settings.db_schema, keyring, settings.data_key_cache_seconds)


def event_store(settings: Settings, endpoints: Endpoints, keys: DataKeyStore) -> SwitchboardApplication:
    env = postgres_env(endpoints.database_url, settings.db_schema, settings.db_pool_size)
    try:
        app = SwitchboardApplication(env=env, data_keys=keys)
    except (OperationalError, InterfaceError) as exc:
        raise ServiceError(f"PostgreSQL is not reachable at {endpoints.database_url}: {exc}") from exc
    keys.check_master_key()  # the recorder has created the key tables by now
    return app


def bootstrap(
    settings: Settings, endpoints: Endpoints | None = None, clock: Clock | None = None
) -> Container:
    endpoints = endpoints or resolve_endpoints(settings)
    clock = clock or SystemClock()
    keys = data_key_store(settings, endpoints)
    app = event_store(settings, endpoints, keys)
    runner = CommandRunner(app)
    probes: list[DependencyProbe] = [
        PostgresProbe(endpoints.database_url),
        KafkaProbe(endpoints.kafka_bootstrap_servers),
    ]
    return Container(
        settings=settings,
        endpoints=endpoints,
        app=app,
        data_keys=keys,
        data_protection=DataProtectionService(runner, app, clock),
        retention=RetentionService(keys, clock, settings.retention_days),
        customers=CustomerService(runner, clock, settings.default_region),
        cases=CaseService(runner, clock),
        agents=AgentService(runner, clock),
        interactions=InteractionService(runner, clock, settings.default_region),
        probes=probes,
    )
