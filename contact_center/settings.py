"""The one settings object, read from the environment once."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob Switchboard has. Environment variables: ``SWITCHBOARD_<NAME>``,
    plus the conventional ``DATABASE_URL`` and ``KAFKA_BOOTSTRAP_SERVERS``."""

    model_config = SettingsConfigDict(env_prefix="SWITCHBOARD_", extra="ignore")

    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "SWITCHBOARD_DATABASE_URL")
    )
    kafka_bootstrap_servers: str | None = Field(
        default=None,
        validation_alias=AliasChoices("KAFKA_BOOTSTRAP_SERVERS", "SWITCHBOARD_KAFKA_BOOTSTRAP_SERVERS"),
    )
    cache_dir: Path = Path.home() / ".cache" / "switchboard"
    data_dir: Path = Path.home() / ".cache" / "switchboard" / "data"
    kafka_version: str = "4.3.1"
    kafka_port: int = 0  # 0 = pick a free loopback port
    postgres_port: int = 0
    service_start_timeout: float = 90.0

    http_host: str = "127.0.0.1"
    http_port: int = 8000
    db_schema: str = "public"
    db_pool_size: int = 10
    topic_prefix: str = "switchboard"
    default_region: str = "DE"
    max_body_bytes: int = 1_000_000
    relay_in_process: bool = True
    projections_in_process: bool = True
    # While records come, a projection worker's fetch waits until the broker holds this many
    # bytes of new records (about 40 events) or this many milliseconds have passed: batches
    # instead of single records under load, at most that wait added to the lag when traffic is
    # light. After a fetch that found nothing, the next one is answered by the first record,
    # or after the idle wait: a quiet worker fetches twice a second, not twenty times
    # (measurements in docs/projections.md).
    projection_fetch_min_bytes: int = 32 * 1024
    projection_fetch_wait_ms: int = 50
    projection_idle_fetch_wait_ms: int = Field(default=500, ge=1, le=10_000)
    # `projections rebuild` from Kafka: worker processes that copy a share of the partitions
    # each (1: the rebuilding process copies alone). See docs/projections.md.
    projection_rebuild_processes: int = Field(default=2, ge=1, le=64)
    # A projection worker that shows no progress for this long is logged with where it waits.
    projection_stuck_seconds: float = Field(default=60.0, gt=0)
    # How long a read with ?min_position= waits for the projection before answering 503.
    read_wait_seconds: float = 5.0
    # Key of the identity lookup's keyed hashes; derived from the master key when unset.
    identity_hash_secret: SecretStr | None = None
    # The event log: topic `<topic_prefix>.events`, created with this many partitions.
    event_partitions: int = 6
    event_source: str = "/switchboard"  # CloudEvents `source` of every record
    relay_batch_size: int = 1000  # notifications read and published per round trip
    # How long one publish waits for the broker before the relay reconnects and re-sends it.
    relay_delivery_timeout_ms: int = 10_000

    # Personal data: base64 of 32 random bytes (`switchboard keys generate`). Earlier keys stay
    # listed (comma-separated) until `switchboard keys rotate` has re-wrapped every data key.
    master_key: SecretStr | None = None
    previous_master_keys: SecretStr | None = None
    master_key_file: Path | None = None  # default: <data_dir>/master.key
    data_key_cache_seconds: float = 10.0
    # Days after which personal fields of a retention class are shredded by `retention run`:
    # "recording" (call recording references), "message_body" (e-mail/chat/SMS bodies).
    retention_days: dict[str, int] = Field(default_factory=lambda: {"recording": 90, "message_body": 730})

    # Agent push (`/ws/agent`, docs/screen-pop.md): admins mint agent tokens
    # (`POST /api/v1/agents/{id}/token`). Key that signs agent tokens; derived from the master key when unset.
    agent_token_secret: SecretStr | None = None
    agent_token_ttl_seconds: int = 8 * 3600

    # Users and roles (docs/users-and-roles.md). Key that signs access tokens (derived from the
    # master key when unset), how long one lives, the argon2id cost of password hashes, and the
    # login rate limit: this many failures per username and client within the window → 429.
    access_token_secret: SecretStr | None = None
    access_token_ttl_seconds: int = Field(default=3600, ge=60, le=24 * 3600)
    password_hash_time_cost: int = Field(default=3, ge=1)
    password_hash_memory_kib: int = Field(default=65536, ge=1024)
    login_max_failures: int = Field(default=5, ge=1)
    login_failure_window_seconds: int = Field(default=60, ge=1)
    # Threads that handle CTI rings (newCall), apart from the pool every other request shares.
    cti_ring_threads: int = Field(default=8, ge=1, le=64)
    # How long the notification bookkeeping of a call is kept (``cti_calls``): a telephony
    # system's events of one call come within this. Checked every 10 minutes by each API process.
    cti_call_retention_hours: float = Field(default=24.0, gt=0, le=24 * 90)
    push_heartbeat_seconds: float = 15.0  # a heartbeat frame after this much silence
    push_queue_size: int = 256  # frames waiting for one socket before it is dropped as too slow
    push_window_frames: int = 500  # per agent, kept for reconnecting clients ...
    push_window_seconds: float = 600.0  # ... and for this long at most
    # PostgreSQL connections that number and announce frames: one per ring thread, and more
    # for the answers and hangups that tell agents a call was taken or ended.
    push_pool_size: int = Field(default=12, ge=1, le=64)

    # Gamification (docs/gamification.md): the versioned rules file (a relative path is looked
    # up in the working directory, then beside the code), the time zone of days, weeks and
    # months, how long per-agent point history stays in the read model, and the key of the
    # aliases shown for agents who have not consented (derived from the master key when unset).
    gamification_rules: Path = Path("config/gamification.toml")
    gamification_time_zone: str = "Europe/Berlin"
    gamification_retention_days: int = Field(default=90, ge=1)
    gamification_alias_secret: SecretStr | None = None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
