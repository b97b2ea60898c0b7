"""Kinds, priorities and statuses of a case."""

from __future__ import annotations

from enum import StrEnum


class CaseKind(StrEnum):
    SERVICE_REQUEST = "service_request"
    COMPLAINT = "complaint"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class CaseStatus(StrEnum):
    """OPEN ⇄ PENDING → RESOLVED → CLOSED; RESOLVED or CLOSED reopen to OPEN."""

    OPEN = "open"
    PENDING = "pending"
    RESOLVED = "resolved"
    CLOSED = "closed"
