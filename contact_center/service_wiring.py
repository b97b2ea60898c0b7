"""Wiring of the CTI webhook service, agent push, audit services and the call simulator."""

from __future__ import annotations

from adapters.agent_handles import PostgresAgentHandles
from adapters.clock import Clock
from adapters.cloudevents_envelope import CloudEventsEnvelope
from adapters.cti_store import CtiStore
from adapters.data_keys import DataKeyStore
from adapters.event_store import SwitchboardRecorder
from adapters.projected_events import EventDecoder
from adapters.push_feed import PostgresPushFeed
from adapters.push_store import PostgresPushStore
from adapters.scratch_tables import ScratchTables
from adapters.services.stack import Endpoints
from adapters.simulator_clients import HttpCtiPoster, WebsocketAgentSockets
from contact_center.access_log import AccessLogService
from contact_center.agent_handle_claims import HandleClaims
from contact_center.agents import AgentService
from contact_center.application import SwitchboardApplication
from contact_center.audit_export import AuditExport
from contact_center.audit_history import AuditHistory
from contact_center.audit_leaderboards import LeaderboardReplay
from contact_center.audit_replay import AuditReplay
from contact_center.audit_services import AuditServices
from contact_center.call_notifications import CallNotifier
from contact_center.commands import CommandRunner
from contact_center.cti import CtiService
from contact_center.cti_agents import CtiAgents
from contact_center.cti_integrations import CtiIntegrations
from contact_center.gamification import gamification_projection
from contact_center.leaderboard_views import AgentAliases
from contact_center.lookup import LookupService
from contact_center.push_routing import PushRouter
from contact_center.settings import Settings
from contact_center.simulation.engine import CallSimulator


def push_router(settings: Settings, endpoints: Endpoints) -> PushRouter:
    store = PostgresPushStore(endpoints.database_url, settings.db_schema,
                              window_frames=settings.push_window_frames,
                              window_seconds=settings.push_window_seconds,
                              max_size=settings.push_pool_size)
    return PushRouter(store, PostgresPushFeed(endpoints.database_url, settings.db_schema, store),
                      queue_size=settings.push_queue_size,
                      heartbeat_seconds=settings.push_heartbeat_seconds)


def cti_service(settings: Settings, endpoints: Endpoints, runner: CommandRunner, clock: Clock,
                lookup: LookupService, agents: CtiAgents, notifier: CallNotifier) -> CtiService:
    store = CtiStore(endpoints.database_url, settings.db_schema)
    store.create_tables()
    return CtiService(runner, clock, lookup, agents, CtiIntegrations(store, settings.default_region),
                      store, settings.default_region, notifier,
                      call_retention_seconds=settings.cti_call_retention_hours * 3600)


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


def call_simulator(base_url: str, cti_token: str) -> CallSimulator:
    """The call simulator's engine, posting to and connecting to the server at ``base_url``."""
    return CallSimulator(HttpCtiPoster(base_url, cti_token), WebsocketAgentSockets(base_url))



def agent_service(settings: Settings, endpoints: Endpoints, app: SwitchboardApplication,
                  runner: CommandRunner, clock: Clock) -> AgentService:
    """Agents, with one agent per login and extension; the first start after handles came in
    claims those of the agents onboarded before."""
    recorder = app.recorder
    assert isinstance(recorder, SwitchboardRecorder)
    handles = PostgresAgentHandles(endpoints.database_url, settings.db_schema, recorder.events_table_name)
    claims = HandleClaims(runner, handles)
    claims.fill_in()
    return AgentService(runner, clock, claims)
