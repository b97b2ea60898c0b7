"""Retention: shred personal fields of a class (recordings, message bodies) after N days.

Each such field is encrypted with a key of its own (see ``adapters.personal_data_mapper``),
so destroying that key shreds exactly that field everywhere, and the rest of the event stays.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from adapters.clock import Clock
from adapters.data_keys import DataKeyStore

BATCH = 500


@dataclass(frozen=True)
class RetentionReport:
    retention_class: str
    days: int
    due: int
    shredded: int


class RetentionService:
    def __init__(self, keys: DataKeyStore, clock: Clock, days: dict[str, int]) -> None:
        self.keys = keys
        self.clock = clock
        self.days = days

    def run(self, *, dry_run: bool, progress: Callable[[str, int, int], None] | None = None,
            ) -> list[RetentionReport]:
        """Shred every expired key (or, with ``dry_run``, only count them). Idempotent."""
        reports = []
        for retention_class, days in sorted(self.days.items()):
            due = self.keys.expired(retention_class, self.clock.now() - timedelta(days=days))
            shredded = 0
            if not dry_run:
                for start in range(0, len(due), BATCH):
                    shredded += self.keys.destroy(due[start:start + BATCH])
                    if progress is not None:
                        progress(retention_class, min(start + BATCH, len(due)), len(due))
            reports.append(RetentionReport(retention_class, days, len(due), shredded))
        return reports
