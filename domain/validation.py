"""Small argument checks shared by the aggregates."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.errors import InvalidValue


def require_utc(moment: datetime, field: str = "occurred_at") -> datetime:
    """Return ``moment`` in UTC; a naive datetime is rejected, not guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidValue(f"{field} must be timezone-aware", field=field)
    return moment.astimezone(UTC)


def require_text(value: str, field: str) -> str:
    """Return ``value`` stripped; blank text is rejected."""
    text = value.strip()
    if not text:
        raise InvalidValue(f"{field} must not be blank", field=field)
    return text


def optional_text(value: str | None, field: str) -> str | None:
    """Like :func:`require_text`, but ``None`` stays ``None``."""
    return None if value is None else require_text(value, field)


def seconds_between(start: datetime, end: datetime) -> float:
    """Elapsed seconds, never negative.

    Clock skew between the CTI host and ours must not reject a real call,
    so an end stamped slightly before its start counts as zero.
    """
    return max(0.0, (end - start).total_seconds())
