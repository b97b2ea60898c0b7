"""The composition root: settings → adapters → services. Entry points call this and nothing else."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from eventsourcing.persistence import InterfaceError, OperationalError
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg_pool import ConnectionPool

from adapters.chain_verifier import ChainVerifier
from adapters.clock import Clock, SystemClock
from adapters.cloudevents_envelope import CloudEventsEnvelope
from adapters.cti_store import CtiStore
from adapters.data_keys import DataKeyStore
from adapters.event_store import postgres_env
from adapters.health import DependencyProbe, KafkaProbe, PostgresProbe
from adapters.kafka_producer import KafkaEventLog
from adapters.position_waiter import PositionWaiter
from adapters.projected_events import EventDecoder
from adapters.projection_rebuild import SideBySideRebuild
from adapters.projection_runner import ProjectionRunner
from adapters.push_feed import PostgresPushFeed
from adapters.push_store import PostgresPushStore
from adapters.read_store import ReadStore
from adapters.relay_store import PostgresRelayStore
from adapters.scratch_tables import ScratchTables
from adapters.services.processes import ServiceError
from adapters.services.stack import Endpoints, LocalStack
from adapters.simulator_clients import HttpCtiPoster, WebsocketAgentSockets
from adapters.stored_event_records import StoredEventRecords
from adapters.user_store import PostgresUserStore
from contact_center.access_log import AccessLogService
from contact_center.access_tokens import AccessTokens
from contact_center.agent_push import AgentPushNotifier
from contact_center.agent_tokens import AgentTokens, AgentTokenService
from contact_center.agents import AgentService
from contact_center.application import SwitchboardApplication
from contact_center.audit_export import AuditExport
from contact_center.audit_history import AuditHistory
from contact_center.audit_leaderboards import LeaderboardReplay
from contact_center.audit_replay import AuditReplay
from contact_center.audit_services import AuditServices
from contact_center.call_notifications import CallNotifier
from contact_center.caller_cards import CallerCards
from contact_center.caller_history import CallerHistoryService
from contact_center.case_queries import CaseQueryService
from contact_center.cases import CaseService
from contact_center.commands import CommandRunner
from contact_center.cti import CtiService
from contact_center.cti_agents import CtiAgents
from contact_center.cti_integrations import CtiIntegrations
from contact_center.customers import CustomerService
from contact_center.data_protection import DataProtectionService
from contact_center.gamification import gamification_projection, leaderboard_service
from contact_center.interactions import InteractionService
from contact_center.leaderboard_views import AgentAliases
from contact_center.leaderboards import LeaderboardService
from contact_center.lookup import LookupService
from contact_center.master_key import load_keyring
from contact_center.passwords import Passwords
from contact_center.projection_host import ProjectionHost
from contact_center.push_routing import PushRouter
from contact_center.read_your_writes import ReadConsistency
from contact_center.relay import EventRelay
from contact_center.retention import RetentionService
from contact_center.screen_pop import ScreenPopService
from contact_center.settings import Settings
from contact_center.sign_in import SignIn
from contact_center.simulation.engine import CallSimulator
from contact_center.users import UserService
from contact_center.wallboard import Wallboard
from contact_center.wallboard_wiring import wallboard
from projections.agent_directory import AgentDirectoryProjection
from projections.base import Projection
from projections.call_queues import CallQueuesProjection
from projections.caller_history import CallerHistoryProjection
from projections.cases_sla import CasesSlaProjection
from projections.identity_lookup import IdentityDigest, IdentityLookupProjection
from projections.screen_pop_card import ScreenPopCardProjection


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
    notifier = notifier or AgentPushNotifier(push, CallerCards(read_store, screen_pop))
    leaderboards = leaderboard_service(settings, endpoints, read_store, consistency, clock,
                                       derived_key(keys, b"gamification-alias"))
    agent_tokens = agent_token_service(settings, keys, clock, AgentService(runner, clock))
    users, sign_in = user_services(settings, endpoints, keys, clock, agent_tokens.tokens,
                                   AgentService(runner, clock))
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


def push_router(settings: Settings, endpoints: Endpoints) -> PushRouter:
    store = PostgresPushStore(endpoints.database_url, settings.db_schema,
                              window_frames=settings.push_window_frames,
                              window_seconds=settings.push_window_seconds)
    return PushRouter(store, PostgresPushFeed(endpoints.database_url, settings.db_schema, store),
                      queue_size=settings.push_queue_size,
                      heartbeat_seconds=settings.push_heartbeat_seconds)


def agent_token_service(settings: Settings, keys: DataKeyStore, clock: Clock,
                        agents: AgentService) -> AgentTokenService:
    configured = settings.agent_token_secret
    # Derived from the master key: rotating that key ends every agent token (they are short-lived).
    secret = (derived_key(keys, b"agent-tokens") if configured is None
              else configured.get_secret_value().encode())
    return AgentTokenService(AgentTokens(secret, clock, settings.agent_token_ttl_seconds), agents)


def user_services(settings: Settings, endpoints: Endpoints, keys: DataKeyStore, clock: Clock,
                  agent_tokens: AgentTokens, agents: AgentService) -> tuple[UserService, SignIn]:
    store = PostgresUserStore(endpoints.database_url, settings.db_schema)
    store.create_tables()
    passwords = Passwords(settings.password_hash_time_cost, settings.password_hash_memory_kib)
    configured = settings.access_token_secret
    # Derived from the master key: rotating that key signs everyone out (tokens are short-lived).
    secret = (derived_key(keys, b"access-tokens") if configured is None
              else configured.get_secret_value().encode())
    # Tokens and login failures run on the wall clock, whatever clock the business runs on.
    wall = SystemClock()
    tokens = AccessTokens(secret, wall, settings.access_token_ttl_seconds)
    return (UserService(store, passwords, agents, clock),
            SignIn(store, passwords, tokens, agent_tokens, wall, max_failures=settings.login_max_failures,
                   window_seconds=settings.login_failure_window_seconds))


def cti_service(settings: Settings, endpoints: Endpoints, runner: CommandRunner, clock: Clock,
                lookup: LookupService, agents: CtiAgents, notifier: CallNotifier) -> CtiService:
    store = CtiStore(endpoints.database_url, settings.db_schema)
    store.create_tables()
    return CtiService(runner, clock, lookup, agents, CtiIntegrations(store, settings.default_region),
                      store, settings.default_region, notifier)


def audit_services(settings: Settings, endpoints: Endpoints, app: SwitchboardApplication,
                   runner: CommandRunner, clock: Clock, keys: DataKeyStore,
                   aliases: AgentAliases) -> AuditServices:
    replay = AuditReplay(app)
    history = AuditHistory(replay)
    envelope = CloudEventsEnvelope(app.mapper.transcoder, source=settings.event_source)
    boards = LeaderboardReplay(replay.recorder, envelope, EventDecoder(keys),
                               gamification_projection(settings, clock), aliases,
                               ScratchTables(endpoints.database_url))
    return AuditServices(AccessLogService(runner, clock), replay, history,
                         AuditExport(history, settings.event_source), boards)


def derived_key(keys: DataKeyStore, purpose: bytes) -> bytes:
    """A secret for one purpose, derived from the current master key."""
    return hmac.new(keys.keyring.current, purpose, hashlib.sha256).digest()


def identity_digest(settings: Settings, keys: DataKeyStore) -> IdentityDigest:
    if settings.identity_hash_secret is not None:
        return IdentityDigest(settings.identity_hash_secret.get_secret_value().encode())
    # Derived from the master key: rotating that key means rebuilding the identity lookup.
    return IdentityDigest(hmac.new(keys.keyring.current, b"identity-lookup", hashlib.sha256).digest())


def read_models(settings: Settings, keys: DataKeyStore, clock: Clock | None = None) -> list[Projection]:
    return [IdentityLookupProjection(identity_digest(settings, keys)), CallerHistoryProjection(),
            ScreenPopCardProjection(), CasesSlaProjection(),
            AgentDirectoryProjection(identity_digest(settings, keys)), CallQueuesProjection(),
            gamification_projection(settings, clock or SystemClock())]


def projection_host(settings: Settings, endpoints: Endpoints, keys: DataKeyStore,
                    app: SwitchboardApplication, clock: Clock | None = None) -> ProjectionHost:
    decoder = EventDecoder(keys)
    topic = f"{settings.topic_prefix}.events"

    def open_runner(projection: Projection) -> ProjectionRunner:
        return ProjectionRunner(
            projection, database_url=endpoints.database_url, schema=settings.db_schema,
            bootstrap_servers=endpoints.kafka_bootstrap_servers, topic=topic, decoder=decoder,
            group_prefix=settings.topic_prefix, partitions=settings.event_partitions)

    def open_rebuild(projection: Projection) -> SideBySideRebuild:
        return SideBySideRebuild(
            projection, database_url=endpoints.database_url, schema=settings.db_schema,
            bootstrap_servers=endpoints.kafka_bootstrap_servers, topic=topic, decoder=decoder,
            partitions=settings.event_partitions)

    def stored_events() -> StoredEventRecords:
        # The relay's envelope: a rebuild from the store sees the records Kafka would hold.
        return StoredEventRecords(app.recorder, CloudEventsEnvelope(app.mapper.transcoder,
                                                                    source=settings.event_source))

    return ProjectionHost(read_models(settings, keys, clock), open_runner,
                          open_rebuild=open_rebuild, stored_events=stored_events)


def event_relay(settings: Settings, endpoints: Endpoints, app: SwitchboardApplication) -> EventRelay:
    """The relay from ``app``'s notification log to ``<topic_prefix>.events`` (not started).

    It reads stored events through the recorder and decodes them with the transcoder only,
    so personal fields reach Kafka as the ciphertext they are stored as."""
    topic = f"{settings.topic_prefix}.events"
    recorder = app.recorder
    assert isinstance(recorder, PostgresApplicationRecorder)
    envelope = CloudEventsEnvelope(app.mapper.transcoder, source=settings.event_source)
    return EventRelay(
        topic,
        open_store=lambda: PostgresRelayStore(recorder, endpoints.database_url, topic),
        open_publisher=lambda: KafkaEventLog.open(
            endpoints.kafka_bootstrap_servers, topic, partitions=settings.event_partitions,
            delivery_timeout_ms=settings.relay_delivery_timeout_ms),
        to_record=envelope.record,
        batch_size=settings.relay_batch_size,
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


def call_simulator(base_url: str, cti_token: str) -> CallSimulator:
    """The call simulator's engine, posting to and connecting to the server at ``base_url``."""
    return CallSimulator(HttpCtiPoster(base_url, cti_token), WebsocketAgentSockets(base_url))
