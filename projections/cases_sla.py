"""Cases & SLA: one row per case for queues, breaches and escalations.

Cases have no queue of their own in the domain; a case's ``category`` is its queue. Every
event of a case is keyed by its customer, so a case's events arrive in order. Whether a
deadline is breached or at risk depends on the moment you ask, so it is never stored:
:mod:`projections.cases_sla_queries` computes it at read time with ``domain.sla``'s rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from projections.base import Handler, ProjectedEvent, Projection, Tx

TABLE = "cases_sla_v1"
CASE = "switchboard.case."


class CasesSlaProjection(Projection):
    name = "cases_sla"
    version = 1
    tables = (
        f"CREATE TABLE IF NOT EXISTS {TABLE} (case_id uuid PRIMARY KEY, customer_id uuid NOT NULL, "
        "kind text NOT NULL, category text NOT NULL, priority text NOT NULL, status text NOT NULL, "
        "assignee_id uuid, opened_at timestamptz NOT NULL, first_response_due timestamptz NOT NULL, "
        "resolution_due timestamptz NOT NULL, first_responded_at timestamptz, "
        "resolved_at timestamptz, closed_at timestamptz, escalation_level int NOT NULL DEFAULT 0, "
        "reopen_count int NOT NULL DEFAULT 0, "
        # The deadline that runs now: the first response until it (or a resolution) happened.
        "next_due timestamptz GENERATED ALWAYS AS (CASE WHEN first_responded_at IS NULL "
        "AND resolved_at IS NULL THEN first_response_due ELSE resolution_due END) STORED)",
        f"CREATE INDEX IF NOT EXISTS {TABLE}_queue ON {TABLE} (status, next_due, case_id)",
        f"CREATE INDEX IF NOT EXISTS {TABLE}_category ON {TABLE} (category, status)",
        f"CREATE INDEX IF NOT EXISTS {TABLE}_assignee ON {TABLE} (assignee_id, status)",
    )
    table_names = (TABLE,)

    def handlers(self) -> Mapping[str, Handler]:
        return {
            CASE + "opened": self.opened,
            CASE + "marked_pending": lambda tx, e: self._set(tx, e, status="pending"),
            CASE + "resumed": lambda tx, e: self._set(tx, e, status="open"),
            CASE + "assigned": lambda tx, e: self._set(tx, e, assignee_id=e.uuid("agent_id")),
            CASE + "escalated": lambda tx, e: self._set(tx, e, escalation_level=int(e.data["level"])),
            CASE + "first_response_recorded": lambda tx, e: self._set(tx, e, first_responded_at=e.time),
            CASE + "resolved": lambda tx, e: self._set(tx, e, status="resolved", resolved_at=e.time),
            CASE + "closed": lambda tx, e: self._set(tx, e, status="closed", closed_at=e.time),
            CASE + "reopened": self.reopened,
        }

    def opened(self, tx: Tx, event: ProjectedEvent) -> None:
        data, opened_at = event.data, event.time
        tx.write(
            f"INSERT INTO {TABLE} (case_id, customer_id, kind, category, priority, status, opened_at, "
            "first_response_due, resolution_due) VALUES (%s, %s, %s, %s, %s, 'open', %s, %s, %s) "
            "ON CONFLICT (case_id) DO NOTHING",
            (event.aggregate_id, event.uuid("customer_id"), data["kind"], data["category"],
             data["priority"], opened_at,
             opened_at + timedelta(minutes=int(data["first_response_minutes"])),
             opened_at + timedelta(minutes=int(data["resolution_minutes"]))))

    def reopened(self, tx: Tx, event: ProjectedEvent) -> None:
        """Open again against the original deadlines; the resolution no longer counts."""
        tx.write(f"UPDATE {TABLE} SET status = 'open', resolved_at = NULL, closed_at = NULL, "
                   "reopen_count = reopen_count + 1 WHERE case_id = %s", (event.aggregate_id,))

    @staticmethod
    def _set(tx: Tx, event: ProjectedEvent, **values: Any) -> None:
        assignments = ", ".join(f"{column} = %s" for column in values)
        tx.write(f"UPDATE {TABLE} SET {assignments} WHERE case_id = %s",
                   (*values.values(), event.aggregate_id))
