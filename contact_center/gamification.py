"""Wiring of gamification from settings: the rules file, the projection, the leaderboards.

Called by the composition root (:mod:`contact_center.bootstrap`). An unreadable or invalid
rules file stops start-up with the file, line and reason, before anything runs.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from adapters.clock import Clock
from adapters.read_store import ReadStore
from adapters.services.processes import ServiceError
from adapters.services.stack import Endpoints
from adapters.topic_ends import KafkaTopicEnds
from contact_center.board_versions import BoardVersions
from contact_center.leaderboard_views import AgentAliases
from contact_center.leaderboards import LeaderboardService
from contact_center.read_your_writes import ReadConsistency
from contact_center.settings import Settings
from projections.gamification import GamificationProjection
from projections.gamification_rules import RulesError, parse_rules

CODE_ROOT = Path(__file__).resolve().parent.parent


def rules_path(settings: Settings) -> Path:
    path = settings.gamification_rules
    if path.is_absolute() or path.exists():
        return path
    beside_code = CODE_ROOT / path
    return beside_code if beside_code.exists() else path


def gamification_projection(settings: Settings, clock: Clock) -> GamificationProjection:
    path = rules_path(settings)
    try:
        text = path.read_text(encoding="utf-8")
        rules = parse_rules(text, str(path))
    except OSError as error:
        raise ServiceError(f"gamification rules file {path} cannot be read: {error.strerror}; "
                           "set SWITCHBOARD_GAMIFICATION_RULES") from error
    except RulesError as error:
        raise ServiceError(f"invalid gamification rules: {error}") from error
    try:
        ZoneInfo(settings.gamification_time_zone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ServiceError(f"unknown time zone {settings.gamification_time_zone!r} in "
                           "SWITCHBOARD_GAMIFICATION_TIME_ZONE") from error
    return GamificationProjection(rules, text, settings.gamification_time_zone,
                                  settings.gamification_retention_days, clock.now)


def leaderboard_service(settings: Settings, endpoints: Endpoints, reads: ReadStore,
                        consistency: ReadConsistency, clock: Clock,
                        derived_alias_key: bytes) -> LeaderboardService:
    configured = gamification_projection(settings, clock).full_name
    topic = f"{settings.topic_prefix}.events"
    versions = BoardVersions(reads, KafkaTopicEnds(endpoints.kafka_bootstrap_servers, topic), topic,
                             configured)
    secret = settings.gamification_alias_secret
    aliases = AgentAliases(derived_alias_key if secret is None else secret.get_secret_value().encode())
    return LeaderboardService(reads, consistency, clock, versions, aliases,
                              settings.gamification_retention_days)
