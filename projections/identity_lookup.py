"""Identity lookup: caller ID / e-mail / handle → customers, without plain text at rest.

Rows hold a keyed hash (HMAC-SHA256 with a secret from settings) of the normalised
identity, never the number or address itself. Several customers may share one identity
(a household, a company switchboard); a merged duplicate resolves to its survivor.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from projections.base import Handler, ProjectedEvent, Projection, Tx

TABLE = "identity_lookup_v1"
MERGES = "identity_merges_v1"


class IdentityDigest:
    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def __call__(self, kind: str, value: str, scope: str = "") -> str:
        message = f"{kind}\x1f{scope}\x1f{value}".encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()


class IdentityLookupProjection(Projection):
    name = "identity_lookup"
    version = 1
    tables = (
        f"CREATE TABLE IF NOT EXISTS {TABLE} (digest text NOT NULL, kind text NOT NULL, "
        "customer_id uuid NOT NULL, PRIMARY KEY (digest, customer_id))",
        f"CREATE INDEX IF NOT EXISTS {TABLE}_customer ON {TABLE} (customer_id)",
        f"CREATE TABLE IF NOT EXISTS {MERGES} (customer_id uuid PRIMARY KEY, survivor_id uuid NOT NULL)",
    )
    table_names = (TABLE, MERGES)

    def __init__(self, digest: IdentityDigest) -> None:
        self.digest = digest

    def handlers(self) -> Mapping[str, Handler]:
        return {
            "switchboard.customer.identity_added": self.identity_added,
            "switchboard.customer.identity_removed": self.identity_removed,
            "switchboard.customer.merged_into": self.merged_into,
            "switchboard.customer.unmerged": self.unmerged,
            "switchboard.customer.personal_data_erased": self.erased,
        }

    def _digest(self, event: ProjectedEvent) -> str:
        data = event.data
        return self.digest(str(data["identity_kind"]), str(data["value"]), str(data.get("scope", "")))

    def identity_added(self, tx: Tx, event: ProjectedEvent) -> None:
        tx.write(f"INSERT INTO {TABLE} (digest, kind, customer_id) VALUES (%s, %s, %s) "
                   "ON CONFLICT DO NOTHING",
                   (self._digest(event), event.data["identity_kind"], event.aggregate_id))

    def identity_removed(self, tx: Tx, event: ProjectedEvent) -> None:
        tx.write(f"DELETE FROM {TABLE} WHERE digest = %s AND customer_id = %s",
                   (self._digest(event), event.aggregate_id))

    def merged_into(self, tx: Tx, event: ProjectedEvent) -> None:
        tx.write(f"INSERT INTO {MERGES} (customer_id, survivor_id) VALUES (%s, %s) "
                   "ON CONFLICT (customer_id) DO UPDATE SET survivor_id = EXCLUDED.survivor_id",
                   (event.aggregate_id, event.uuid("survivor_id")))

    def unmerged(self, tx: Tx, event: ProjectedEvent) -> None:
        tx.write(f"DELETE FROM {MERGES} WHERE customer_id = %s", (event.aggregate_id,))

    def erased(self, tx: Tx, event: ProjectedEvent) -> None:
        tx.write(f"DELETE FROM {TABLE} WHERE customer_id = %s", (event.aggregate_id,))


# The customers holding the identity %(digest)s, merged duplicates replaced by their survivors.
RESOLVED = (
    f"WITH RECURSIVE resolved(customer_id, depth) AS ("
    f"  SELECT customer_id, 0 FROM {TABLE} WHERE digest = %(digest)s"
    f"  UNION SELECT m.survivor_id, r.depth + 1 FROM resolved r JOIN {MERGES} m "
    f"  ON m.customer_id = r.customer_id WHERE r.depth < 10) "
    f"SELECT DISTINCT r.customer_id FROM resolved r LEFT JOIN {MERGES} m "
    f"ON m.customer_id = r.customer_id WHERE m.customer_id IS NULL")
