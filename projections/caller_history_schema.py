"""Tables of the caller history read model, and the erasure purge over them.

Personal columns (addresses, subjects, notes, case summaries and reasons) are copies of
fields the event store keeps encrypted. Each copy remembers whose key sealed it, so an
erasure can blank exactly what a replay would decrypt to ``"[erased]"``:

- the creating event's customer (``origin_customer_id``) for addresses and subject, and the
  event's customer for wrap-up notes (``wrap_up_owner``) and notes (``owner_id``);
- when that is NULL (an unknown caller), the interaction's own key, which belongs to the
  customer the interaction is linked to.
"""

from __future__ import annotations

CUSTOMERS = "caller_history_customers_v1"
INTERACTIONS = "caller_history_interactions_v1"
CASES = "caller_history_cases_v1"
CASE_CHANGES = "caller_history_case_changes_v1"
NOTES = "caller_history_notes_v1"
CONSENTS = "caller_history_consents_v1"
MERGES = "caller_history_merges_v1"

TABLE_NAMES = (CUSTOMERS, INTERACTIONS, CASES, CASE_CHANGES, NOTES, CONSENTS, MERGES)

# Primary keys, so dumps and comparisons can order every table.
KEYS = {
    CUSTOMERS: "customer_id", INTERACTIONS: "interaction_id", CASES: "case_id",
    CASE_CHANGES: "case_id, version", NOTES: "parent_id, version",
    CONSENTS: "customer_id, version", MERGES: "customer_id",
}

DDL = (
    f"CREATE TABLE IF NOT EXISTS {CUSTOMERS} (customer_id uuid PRIMARY KEY, kind text, "
    "registered_at timestamptz, registered_by text, erased_at timestamptz, erased_by text)",
    # Events of one interaction can reach us on two partitions (before and after linking),
    # so each group of columns keeps the aggregate version that last wrote it.
    f"CREATE TABLE IF NOT EXISTS {INTERACTIONS} (interaction_id uuid PRIMARY KEY, "
    "customer_id uuid, link_version int NOT NULL DEFAULT 0, linked_at timestamptz, linked_by text, "
    "origin_customer_id uuid, channel text, direction text, queue text, from_address text, "
    "to_address text, subject text, started_at timestamptz, created_by text, "
    "status text, status_version int NOT NULL DEFAULT 0, status_at timestamptz, status_by text, "
    "agent_id uuid, agent_version int NOT NULL DEFAULT 0, answered_at timestamptz, "
    "ended_at timestamptz, wait_seconds double precision, talk_seconds double precision, "
    "hold_seconds double precision, wrap_up_code text, wrap_up_notes text, wrap_up_owner uuid, "
    "wrap_up_version int NOT NULL DEFAULT 0, wrap_up_at timestamptz, wrap_up_by text)",
    f"CREATE INDEX IF NOT EXISTS {INTERACTIONS}_timeline ON {INTERACTIONS} "
    "(customer_id, started_at DESC, interaction_id)",
    # The owners' indexes serve erasure, which must not scan every customer's history.
    f"CREATE INDEX IF NOT EXISTS {INTERACTIONS}_origin ON {INTERACTIONS} (origin_customer_id)",
    f"CREATE INDEX IF NOT EXISTS {INTERACTIONS}_wrap_up_owner ON {INTERACTIONS} (wrap_up_owner)",
    f"CREATE TABLE IF NOT EXISTS {CASES} (case_id uuid PRIMARY KEY, customer_id uuid NOT NULL, "
    "kind text NOT NULL, category text NOT NULL, priority text NOT NULL, summary text, "
    "origin_interaction_id uuid, opened_at timestamptz NOT NULL, opened_by text NOT NULL, "
    "status text NOT NULL, status_at timestamptz NOT NULL, status_by text NOT NULL, "
    "assignee_id uuid, escalation_level int NOT NULL DEFAULT 0, first_response_at timestamptz, "
    "resolution_code text, first_contact_resolution boolean, resolved_at timestamptz, "
    "closed_at timestamptz, satisfaction_score int)",
    f"CREATE INDEX IF NOT EXISTS {CASES}_timeline ON {CASES} (customer_id, opened_at DESC, case_id)",
    f"CREATE TABLE IF NOT EXISTS {CASE_CHANGES} (case_id uuid NOT NULL, version int NOT NULL, "
    "change text NOT NULL, status text NOT NULL, agent_id uuid, reason text, "
    "at timestamptz NOT NULL, actor text NOT NULL, PRIMARY KEY (case_id, version))",
    f"CREATE TABLE IF NOT EXISTS {NOTES} (parent_id uuid NOT NULL, version int NOT NULL, "
    "owner_id uuid, note text, at timestamptz NOT NULL, actor text NOT NULL, "
    "PRIMARY KEY (parent_id, version))",
    f"CREATE INDEX IF NOT EXISTS {NOTES}_owner ON {NOTES} (owner_id)",
    f"CREATE TABLE IF NOT EXISTS {CONSENTS} (customer_id uuid NOT NULL, version int NOT NULL, "
    "channel text NOT NULL, purpose text NOT NULL, granted boolean NOT NULL, source text NOT NULL, "
    "at timestamptz NOT NULL, actor text NOT NULL, PRIMARY KEY (customer_id, version))",
    # Merge and unmerge arrive on both customers' partitions: the latest sequence wins.
    f"CREATE TABLE IF NOT EXISTS {MERGES} (customer_id uuid PRIMARY KEY, survivor_id uuid NOT NULL, "
    "merged boolean NOT NULL, sequence bigint NOT NULL, at timestamptz NOT NULL, actor text NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS {MERGES}_survivor ON {MERGES} (survivor_id) WHERE merged",
)


def _blank(column: str) -> str:
    """What a replay reads for an erased text field: the placeholder, and NULL stays NULL."""
    return f"{column} = CASE WHEN {column} IS NULL THEN NULL ELSE %(erased)s END"


_LINKED = f"SELECT interaction_id FROM {INTERACTIONS} WHERE customer_id = %(customer)s"


def _sealed_by(owner: str) -> str:
    """Rows whose ``owner`` column is the customer, or NULL (the interaction's own key) while
    the interaction is linked to the customer."""
    return f"({owner} = %(customer)s OR ({owner} IS NULL AND customer_id = %(customer)s))"


PURGE = (
    f"UPDATE {INTERACTIONS} SET {_blank('from_address')}, {_blank('to_address')}, "
    f"{_blank('subject')} WHERE {_sealed_by('origin_customer_id')}",
    f"UPDATE {INTERACTIONS} SET {_blank('wrap_up_notes')} WHERE {_sealed_by('wrap_up_owner')}",
    f"UPDATE {NOTES} SET {_blank('note')} WHERE owner_id = %(customer)s "
    f"OR (owner_id IS NULL AND parent_id IN ({_LINKED}))",
    f"UPDATE {CASES} SET {_blank('summary')} WHERE customer_id = %(customer)s",
    f"UPDATE {CASE_CHANGES} SET {_blank('reason')} "
    f"WHERE case_id IN (SELECT case_id FROM {CASES} WHERE customer_id = %(customer)s)",
)
