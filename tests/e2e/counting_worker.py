"""A projection worker process for fault tests: counts events per Kafka key (customer), and
builds the identity lookup.

Counting is the most sensitive test of exactly-once: a lost event leaves a count short,
a double-applied one leaves it long. The identity lookup is a real read model (personal
fields decrypted, keyed hashes), compared row for row with a build from scratch afterwards.
Run as ``python -m tests.e2e.counting_worker``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping

from adapters.projected_events import EventDecoder
from adapters.projection_runner import ProjectionRunner
from adapters.services.stack import Endpoints
from contact_center.event_log_wiring import data_key_store, fetch_pacing, identity_digest
from contact_center.projection_host import ProjectionHost
from contact_center.settings import Settings
from projections.base import Handler, ProjectedEvent, Projection, Tx
from projections.identity_lookup import IdentityLookupProjection


class CountingProjection(Projection):
    name = "event_counts"
    version = 1
    tables = ("CREATE TABLE IF NOT EXISTS event_counts_v1 (customer_id uuid PRIMARY KEY, "
              "events bigint NOT NULL)",)
    table_names = ("event_counts_v1",)

    def handlers(self) -> Mapping[str, Handler]:
        return {}

    def apply(self, tx: Tx, event: ProjectedEvent) -> None:
        tx.write("INSERT INTO event_counts_v1 (customer_id, events) VALUES (%s, 1) "
                   "ON CONFLICT (customer_id) DO UPDATE SET events = event_counts_v1.events + 1",
                   (event.customer_id,))


def main() -> None:
    settings = Settings()  # the schema, topic prefix and master key from the environment
    keys = data_key_store(settings, Endpoints(os.environ["DATABASE_URL"],
                                              os.environ["KAFKA_BOOTSTRAP_SERVERS"]))

    def open_runner(projection: Projection) -> ProjectionRunner:
        return ProjectionRunner(
            projection, database_url=os.environ["DATABASE_URL"], schema=settings.db_schema,
            bootstrap_servers=os.environ["KAFKA_BOOTSTRAP_SERVERS"],
            topic=f"{settings.topic_prefix}.events", decoder=EventDecoder(keys),
            group_prefix=settings.topic_prefix, pacing=fetch_pacing(settings))

    # The same host `switchboard projections run` uses: a worker that starts while the broker
    # is down keeps retrying instead of dying.
    host = ProjectionHost([CountingProjection(), IdentityLookupProjection(identity_digest(settings, keys))],
                          open_runner,
                          retry_seconds=0.5)
    host.start()
    print("worker ready", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
