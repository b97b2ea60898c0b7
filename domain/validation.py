"""Small argument checks shared by the aggregates."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime

from domain.errors import InvalidValue


def require_utc(moment: datetime, field: str = "occurred_at") -> datetime:
    """Return ``moment`` in UTC; a naive datetime is rejected, not guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidValue(f"{field} must be timezone-aware", field=field)
    return moment.astimezone(UTC)


# NUL, which no text a person writes holds and PostgreSQL cannot store in text, and UTF-16
# surrogates on their own (JSON's "\ud800"), which no UTF-8 text can hold.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def require_storable(value: object, field: str) -> None:
    """Reject text, at any depth of lists and mappings, that holds a NUL character or a lone
    UTF-16 surrogate: neither is text anyone wrote, and neither can be stored or read back."""
    if isinstance(value, str):
        if _UNSTORABLE.search(value):
            raise InvalidValue(f"{field} must not contain NUL characters or unpaired surrogates",
                               field=field)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            require_storable(key, field)
            require_storable(item, field)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            require_storable(item, field)


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
