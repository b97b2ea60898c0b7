"""Wiring of the event log: the relay to Kafka and the projection workers with their read models."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from functools import partial

from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg_pool import ConnectionPool

from adapters.clock import Clock, SystemClock
from adapters.cloudevents_envelope import CloudEventsEnvelope
from adapters.data_keys import DataKeyStore
from adapters.kafka_clients import FetchPacing
from adapters.kafka_producer import KafkaEventLog
from adapters.projected_events import EventDecoder
from adapters.projection_rebuild import SideBySideRebuild
from adapters.projection_runner import ProjectionRunner
from adapters.relay_store import PostgresRelayStore
from adapters.services.stack import Endpoints
from adapters.stored_event_records import StoredEventRecords
from contact_center.application import SwitchboardApplication
from contact_center.gamification import gamification_projection
from contact_center.master_key import load_keyring
from contact_center.projection_host import ProjectionHost
from contact_center.relay import EventRelay
from contact_center.settings import Settings
from projections.agent_directory import AgentDirectoryProjection
from projections.base import Projection
from projections.call_queues import CallQueuesProjection
from projections.caller_history import CallerHistoryProjection
from projections.cases_sla import CasesSlaProjection
from projections.identity_lookup import IdentityDigest, IdentityLookupProjection
from projections.screen_pop_card import ScreenPopCardProjection


def data_key_store(settings: Settings, endpoints: Endpoints) -> DataKeyStore:
    keyring = load_keyring(settings)  # first: a missing key fails before anything connects
    pool: ConnectionPool = ConnectionPool(endpoints.database_url, min_size=1, max_size=4, open=True)
    return DataKeyStore(pool, settings.db_schema, keyring, settings.data_key_cache_seconds)


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


def open_read_model(settings: Settings, endpoints: Endpoints,
                    name: str) -> tuple[Projection, EventDecoder, Callable[[], None]]:
    """One read model with a decoder of its own (a rebuild's copy worker process builds its
    own this way), and what closes them."""
    keys = data_key_store(settings, endpoints)
    projection = next(p for p in read_models(settings, keys) if p.full_name == name)
    return projection, EventDecoder(keys), keys.pool.close


def projection_host(settings: Settings, endpoints: Endpoints, keys: DataKeyStore,
                    app: SwitchboardApplication, clock: Clock | None = None) -> ProjectionHost:
    decoder = EventDecoder(keys)
    topic = f"{settings.topic_prefix}.events"

    def open_runner(projection: Projection) -> ProjectionRunner:
        return ProjectionRunner(
            projection, database_url=endpoints.database_url, schema=settings.db_schema,
            bootstrap_servers=endpoints.kafka_bootstrap_servers, topic=topic, decoder=decoder,
            group_prefix=settings.topic_prefix, partitions=settings.event_partitions,
            pacing=fetch_pacing(settings))

    def open_rebuild(projection: Projection) -> SideBySideRebuild:
        return SideBySideRebuild(
            projection, database_url=endpoints.database_url, schema=settings.db_schema,
            bootstrap_servers=endpoints.kafka_bootstrap_servers, topic=topic, decoder=decoder,
            partitions=settings.event_partitions, copy_processes=settings.projection_rebuild_processes,
            open_in_worker=partial(open_read_model, settings, endpoints, projection.full_name))

    def stored_events() -> StoredEventRecords:
        # The relay's envelope: a rebuild from the store sees the records Kafka would hold.
        return StoredEventRecords(app.recorder, CloudEventsEnvelope(app.mapper.transcoder,
                                                                    source=settings.event_source))

    return ProjectionHost(read_models(settings, keys, clock), open_runner,
                          open_rebuild=open_rebuild, stored_events=stored_events,
                          stuck_after=settings.projection_stuck_seconds)


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


def fetch_pacing(settings: Settings) -> FetchPacing:
    """How long a projection worker's fetches may wait, as configured."""
    return FetchPacing(batch_min_bytes=settings.projection_fetch_min_bytes,
                       batch_wait_ms=settings.projection_fetch_wait_ms,
                       idle_wait_ms=settings.projection_idle_fetch_wait_ms)
