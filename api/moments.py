"""Instants in query parameters: within the years a calendar period can be computed for.

A week, month or day around an instant near the ends of Python's calendar (year 1 or 9999), or
the instant moved to UTC, falls outside it and cannot be computed; such an instant is refused
with the field's name (422) instead of failing inside the handler."""

from __future__ import annotations

from datetime import datetime

from pydantic import AfterValidator

FIRST_YEAR, LAST_YEAR = 1900, 9000


def within_calendar(value: datetime | None) -> datetime | None:
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"must be between the years {FIRST_YEAR} and {LAST_YEAR}")
    return value


InCalendar = AfterValidator(within_calendar)
