"""Tables of the screen-pop card read model (``screen_pop_card_v1``).

One row per customer in ``CARDS``; beside it the customer's consent decisions, its cases,
its five newest contacts, and per-day counts of inbound contacts for the preferred channel.
``UNLINKED`` holds what is not on any card yet: interactions of unknown callers waiting
for a link, and links that arrived (from another partition) before their interaction.
"""

from __future__ import annotations

from projections.base import Tx

CARDS = "screen_pop_cards_v1"
CONSENTS = "screen_pop_consents_v1"
CASES = "screen_pop_cases_v1"
CONTACTS = "screen_pop_contacts_v1"
UNLINKED = "screen_pop_unlinked_v1"
INBOUND = "screen_pop_inbound_days_v1"
TABLE_NAMES = (CARDS, CONSENTS, CASES, CONTACTS, UNLINKED, INBOUND)

LAST_CONTACTS = 5
PREFERRED_CHANNEL_DAYS = 90

# What the card shows of one interaction; each field group remembers the aggregate version
# that set it, so events of one interaction arriving from two partitions settle the same way
# in any order.
_CONTENT = (
    "channel text, direction text, started_at timestamptz, "
    "status text, status_version int NOT NULL DEFAULT 0, "
    "agent_id uuid, agent_version int NOT NULL DEFAULT 0, "
    "outcome text, outcome_version int NOT NULL DEFAULT 0"
)
CONTENT_COLUMNS = ("channel", "direction", "started_at", "status", "status_version", "agent_id",
                   "agent_version", "outcome", "outcome_version")

DDL = (
    f"CREATE TABLE IF NOT EXISTS {CARDS} (customer_id uuid PRIMARY KEY, status text NOT NULL, "
    "kind text, display_name text, organisation_id uuid, organisation_name text, merged_into uuid, "
    "segment text, abc_class text, vip boolean NOT NULL DEFAULT false)",
    f"CREATE INDEX IF NOT EXISTS {CARDS}_organisation ON {CARDS} (organisation_id) "
    "WHERE organisation_id IS NOT NULL",
    f"CREATE INDEX IF NOT EXISTS {CARDS}_merged_into ON {CARDS} (merged_into) "
    "WHERE merged_into IS NOT NULL",
    f"CREATE TABLE IF NOT EXISTS {CONSENTS} (customer_id uuid NOT NULL, channel text NOT NULL, "
    "purpose text NOT NULL, granted boolean NOT NULL, recorded_at timestamptz NOT NULL, "
    "PRIMARY KEY (customer_id, channel, purpose))",
    f"CREATE TABLE IF NOT EXISTS {CASES} (case_id uuid PRIMARY KEY, customer_id uuid NOT NULL, "
    "kind text NOT NULL, category text NOT NULL, priority text NOT NULL, status text NOT NULL, "
    "opened_at timestamptz NOT NULL, first_response_due timestamptz NOT NULL, "
    "resolution_due timestamptz NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS {CASES}_customer ON {CASES} (customer_id)",
    f"CREATE TABLE IF NOT EXISTS {CONTACTS} (interaction_id uuid PRIMARY KEY, "
    f"customer_id uuid NOT NULL, link_version int NOT NULL, {_CONTENT})",
    f"CREATE INDEX IF NOT EXISTS {CONTACTS}_newest ON {CONTACTS} "
    "(customer_id, started_at DESC, interaction_id DESC)",
    f"CREATE TABLE IF NOT EXISTS {UNLINKED} (interaction_id uuid PRIMARY KEY, linked_to uuid, "
    f"link_version int NOT NULL, discarded boolean NOT NULL DEFAULT false, {_CONTENT})",
    f"CREATE INDEX IF NOT EXISTS {UNLINKED}_linked_to ON {UNLINKED} (linked_to) "
    "WHERE linked_to IS NOT NULL",
    f"CREATE TABLE IF NOT EXISTS {INBOUND} (customer_id uuid NOT NULL, channel text NOT NULL, "
    "day date NOT NULL, contacts int NOT NULL, PRIMARY KEY (customer_id, channel, day))",
)


def is_erased(tx: Tx, customer_id: object) -> bool:
    """Erasure is final, so this only ever turns from False to True: checking it keeps a
    late event from another partition from bringing an erased customer's rows back."""
    row = tx.fetchone(f"SELECT status = 'erased' FROM {CARDS} WHERE customer_id = %s", (customer_id,))
    return bool(row and row[0])
