"""The composition root: settings → adapters → services. Entry points call this and nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field

from eventsourcing.persistence import InterfaceError, OperationalError

from adapters.chain_verifier import ChainVerifier
from adapters.clock import Clock, SystemClock
from adapters.data_keys import DataKeyStore
from adapters.event_store import postgres_env
from adapters.health import DependencyProbe, KafkaProbe, PostgresProbe
from adapters.position_waiter import PositionWaiter
from adapters.read_store import ReadStore
from adapters.services.processes import ServiceError
from adapters.services.stack import Endpoints, LocalStack
from contact_center.access_wiring import agent_token_service, derived_key, user_services
from contact_center.agent_push import AgentPushNotifier
from contact_center.agent_tokens import AgentTokenService
from contact_center.agents import AgentService
from contact_center.application import SwitchboardApplication
from contact_center.audit_services import AuditServices
from contact_center.call_notifications import CallNotifier
from contact_center.caller_cards import CallerCards
from contact_center.caller_history import CallerHistoryService
from contact_center.case_queries import CaseQueryService
from contact_center.cases import CaseService
from contact_center.commands import CommandRunner
from contact_center.cti import CtiService
from contact_center.cti_agents import CtiAgents
from contact_center.customers import CustomerService
from contact_center.data_protection import DataProtectionService
from contact_center.event_log_wiring import data_key_store, event_relay, identity_digest, projection_host
from contact_center.gamification import leaderboard_service
from contact_center.interactions import InteractionService
from contact_center.leaderboards import LeaderboardService
from contact_center.lookup import LookupService
from contact_center.projection_host import ProjectionHost
from contact_center.push_routing import PushRouter
from contact_center.read_your_writes import ReadConsistency
from contact_center.relay import EventRelay
from contact_center.retention import RetentionService
from contact_center.screen_pop import ScreenPopService
from contact_center.service_wiring import agent_service, audit_services, cti_service, push_router
from contact_center.settings import Settings
from contact_center.sign_in import SignIn
from contact_center.users import UserService
from contact_center.wallboard import Wallboard
from contact_center.wallboard_wiring import wallboard


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
    relay: EventRelay  # started by `serve` when settings.relay_in_process
    projections: ProjectionHost  # started by `serve` when settings.projections_in_process
    read_store: ReadStore
    consistency: ReadConsistency
    lookup: LookupService
    history: CallerHistoryService
    chain_verifier: ChainVerifier
    audit: AuditServices  # as-of reads, histories, exports; each recorded in the access log
    screen_pop: ScreenPopService
    case_queries: CaseQueryService
    notifier: CallNotifier  # tells agents' screens about calls (screen-pop)
    cti: CtiService
    push: PushRouter  # frames to agents' sockets in any process; listens while the app runs
    agent_tokens: AgentTokenService
    leaderboards: LeaderboardService  # gamification standings, explanations, badges
    users: UserService  # accounts, roles, API keys
    sign_in: SignIn  # login, and bearer credentials → principals
    wallboard: Wallboard  # supervisors' sockets; listens for projection commits while the app runs
    probes: list[DependencyProbe] = field(default_factory=list)

    def close(self) -> None:
        """Release pools and clients held by the wired services."""
        self.relay.stop()
        self.projections.stop()
        self.read_store.close()
        self.cti.store.close()
        self.push.store.close()
        self.leaderboards.close()
        self.users.store.close()
        self.agents.claims.handles.close()
        self.app.close()
        self.data_keys.pool.close()


def event_store(settings: Settings, endpoints: Endpoints, keys: DataKeyStore) -> SwitchboardApplication:
    env = postgres_env(endpoints.database_url, settings.db_schema, settings.db_pool_size)
    try:
        app = SwitchboardApplication(env=env, data_keys=keys)
    except (OperationalError, InterfaceError) as exc:
        raise ServiceError(f"PostgreSQL is not reachable at {endpoints.database_url}: {exc}") from exc
    keys.check_master_key()  # the recorder has created the key tables by now
    return app


def bootstrap(
    settings: Settings, endpoints: Endpoints | None = None, clock: Clock | None = None,
    notifier: CallNotifier | None = None,
) -> Container:
    endpoints = endpoints or resolve_endpoints(settings)
    clock = clock or SystemClock()
    keys = data_key_store(settings, endpoints)
    app = event_store(settings, endpoints, keys)
    runner = CommandRunner(app)
    read_store = ReadStore(endpoints.database_url, settings.db_schema)
    consistency = ReadConsistency(PositionWaiter(endpoints.database_url, settings.db_schema),
                                  settings.read_wait_seconds)
    digest = identity_digest(settings, keys)
    lookup = LookupService(read_store, consistency, digest, settings.default_region)
    screen_pop = ScreenPopService(read_store, consistency, clock)
    push = push_router(settings, endpoints)
    notifier = notifier or AgentPushNotifier(push, CallerCards(screen_pop))
    leaderboards = leaderboard_service(settings, endpoints, read_store, consistency, clock,
                                       derived_key(keys, b"gamification-alias"))
    agents = agent_service(settings, endpoints, app, runner, clock)
    agent_tokens = agent_token_service(settings, keys, clock, agents)
    users, sign_in = user_services(settings, endpoints, keys, clock, agent_tokens.tokens, agents)
    probes: list[DependencyProbe] = [
        PostgresProbe(endpoints.database_url),
        KafkaProbe(endpoints.kafka_bootstrap_servers),
    ]
    return Container(
        settings=settings,
        endpoints=endpoints,
        app=app,
        data_keys=keys,
        data_protection=DataProtectionService(runner, app, clock, push.store),
        retention=RetentionService(keys, clock, settings.retention_days),
        customers=CustomerService(runner, clock, settings.default_region),
        cases=CaseService(runner, clock),
        agents=agents,
        interactions=InteractionService(runner, clock, settings.default_region),
        relay=event_relay(settings, endpoints, app),
        projections=projection_host(settings, endpoints, keys, app, clock),
        read_store=read_store,
        consistency=consistency,
        lookup=lookup,
        history=CallerHistoryService(read_store, consistency),
        chain_verifier=ChainVerifier(endpoints.database_url, settings.db_schema,
                                     derived_key(keys, b"audit-checkpoint")),
        audit=audit_services(settings, endpoints, app, runner, clock, keys, leaderboards.aliases),
        screen_pop=screen_pop,
        case_queries=CaseQueryService(read_store, consistency, clock),
        notifier=notifier,
        cti=cti_service(settings, endpoints, runner, clock, lookup, CtiAgents(read_store, digest),
                        notifier),
        push=push,
        agent_tokens=agent_tokens,
        leaderboards=leaderboards,
        users=users,
        sign_in=sign_in,
        wallboard=wallboard(settings, endpoints, read_store, leaderboards, clock),
        probes=probes,
    )


@dataclass
class RelayContainer:
    """What ``switchboard relay`` runs: the relay alone. It holds no master key."""

    settings: Settings
    endpoints: Endpoints
    app: SwitchboardApplication
    relay: EventRelay

    def close(self) -> None:
        self.relay.stop()
        self.app.close()


def bootstrap_relay(settings: Settings, endpoints: Endpoints | None = None) -> RelayContainer:
    endpoints = endpoints or resolve_endpoints(settings)
    env = postgres_env(endpoints.database_url, settings.db_schema, pool_size=2)
    try:
        # No data keys: this application is only read from, and nothing it reads is decrypted.
        app = SwitchboardApplication(env=env, data_keys=None)
    except (OperationalError, InterfaceError) as exc:
        raise ServiceError(f"PostgreSQL is not reachable at {endpoints.database_url}: {exc}") from exc
    return RelayContainer(settings, endpoints, app, event_relay(settings, endpoints, app))