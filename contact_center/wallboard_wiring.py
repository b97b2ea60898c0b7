"""Wiring of the supervisors' wallboard from settings (called by the composition root)."""

from __future__ import annotations

from adapters.clock import Clock
from adapters.projection_feed import PostgresProjectionCommits
from adapters.read_store import ReadStore
from adapters.services.stack import Endpoints
from contact_center.leaderboards import LeaderboardService
from contact_center.settings import Settings
from contact_center.wallboard import Wallboard
from contact_center.wallboard_reads import WallboardReads


def wallboard(settings: Settings, endpoints: Endpoints, reads: ReadStore,
              leaderboards: LeaderboardService, clock: Clock) -> Wallboard:
    """Not started: the API's lifespan starts it (listening for projection commits)."""
    return Wallboard(WallboardReads(leaderboards, reads, clock),
                     PostgresProjectionCommits(endpoints.database_url, settings.db_schema), clock,
                     queue_size=settings.push_queue_size, heartbeat_seconds=settings.push_heartbeat_seconds)
