"""The audit services the composition root wires together, for the API and the CLI."""

from __future__ import annotations

from dataclasses import dataclass

from contact_center.access_log import AccessLogService
from contact_center.audit_export import AuditExport
from contact_center.audit_history import AuditHistory
from contact_center.audit_leaderboards import LeaderboardReplay
from contact_center.audit_replay import AuditReplay


@dataclass(frozen=True)
class AuditServices:
    """As-of reads (aggregates and leaderboards), histories and exports, and the access log
    every one of them is recorded in."""

    access_log: AccessLogService
    replay: AuditReplay
    history: AuditHistory
    export: AuditExport
    leaderboards: LeaderboardReplay
