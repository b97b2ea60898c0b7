"""An export of 100,000 events streams in flat memory, from the command line and over HTTP,
and every line is a CloudEvent the SDK reads, with every id and sequence there in log order.

The first 20,000 events are written through the application in bulk (``save_batch``:
customers with identities, consents and details, personal fields encrypted); the other
80,000 are those stored rows copied in SQL under fresh aggregate ids, so the log holds real
rows of real sizes without the test spending most of its time writing them.

Memory is the exporting process's peak RSS (``wait4``'s ``ru_maxrss`` for the command,
``VmHWM`` for the server), compared with the same process exporting one customer: the
export's lines alone are several times the allowed growth, so holding them (or the stored
events) would break the bound."""

from __future__ import annotations

import hashlib
import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import psycopg
from cloudevents.core.formats.json import JSONFormat
from psycopg import sql

from adapters.cloudevents_envelope import sequence_text
from contact_center.bootstrap import Container
from contact_center.roles import Role
from tests.bulk_events import EVENTS_PER_CUSTOMER, save_batch
from tests.conftest import TEST_MASTER_KEY, bearer_for
from tests.process_helpers import SWITCHBOARD, cli_env, server_process

EVENTS = 100_000
WRITTEN = 20_000  # through the application; the rest are copies of these rows
CUSTOMERS_PER_SAVE = 100
GROWTH_LIMIT_KIB = 40 * 1024
AUDITOR = bearer_for(Role.AUDITOR, "volume")


def exported_peak_kib(env: dict[str, str], log: Path, *args: str) -> int:
    """Run ``switchboard audit export …`` to the end; its peak resident set in KiB."""
    with log.open("wb") as out:
        proc = subprocess.Popen([*SWITCHBOARD, "audit", "export", "--viewer", "auditor:volume", *args],
                                env=env, stdout=out, stderr=subprocess.STDOUT)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.returncode == 0, log.read_text()
    return int(usage.ru_maxrss)


def high_water_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1])


def copy_stored_rows(container: Container, times: int) -> None:
    """Every stored row again, ``times`` over, each time under fresh aggregate ids (same
    versions, topics and stored bytes), in log order."""
    events = sql.Identifier(container.settings.db_schema, "switchboard_events")
    copy = sql.SQL(
        "INSERT INTO {0} (originator_id, originator_version, topic, state) "
        "SELECT fresh.id, e.originator_version, e.topic, e.state FROM {0} e JOIN "
        "(SELECT originator_id, gen_random_uuid() AS id FROM {0} WHERE notification_id <= %(last)s "
        "GROUP BY originator_id) fresh USING (originator_id) "
        "WHERE e.notification_id <= %(last)s ORDER BY e.notification_id").format(events)
    with psycopg.connect(container.endpoints.database_url) as conn:
        for _ in range(times):
            conn.execute(copy, {"last": WRITTEN})


def stored_order(container: Container) -> list[tuple[str, str]]:
    """(CloudEvents id, sequence) of every stored event, in log order."""
    query = sql.SQL("SELECT notification_id, originator_id, originator_version FROM {} "
                    "ORDER BY notification_id").format(
        sql.Identifier(container.settings.db_schema, "switchboard_events"))
    with psycopg.connect(container.endpoints.database_url) as conn:
        return [(f"{aggregate}:{version}", sequence_text(position))
                for position, aggregate, version in conn.execute(query)]


def test_an_export_of_100000_events_streams_in_flat_memory(container: Container, tmp_path: Path) -> None:
    start = datetime.now(UTC) - timedelta(seconds=1)
    customers = [save_batch(container.app, CUSTOMERS_PER_SAVE, [], str(n))
                 for n in range(WRITTEN // (CUSTOMERS_PER_SAVE * EVENTS_PER_CUSTOMER))]
    copy_stored_rows(container, EVENTS // WRITTEN - 1)
    # No slack after the writes: each export below records its read in the access log, and a
    # window reaching past now would take in the records of the exports run before it.
    end = datetime.now(UTC)
    stored = stored_order(container)
    assert len(stored) == EVENTS

    env = cli_env(DATABASE_URL=container.endpoints.database_url,
                  KAFKA_BOOTSTRAP_SERVERS=container.endpoints.kafka_bootstrap_servers,
                  SWITCHBOARD_DB_SCHEMA=container.settings.db_schema, SWITCHBOARD_MASTER_KEY=TEST_MASTER_KEY,
                  SWITCHBOARD_DATA_DIR=str(container.settings.data_dir))
    small, everything = tmp_path / "one.jsonl", tmp_path / "all.jsonl"
    small_peak = exported_peak_kib(env, tmp_path / "small.log", "--customer", str(customers[0][0]),
                                   "-o", str(small))
    peak = exported_peak_kib(env, tmp_path / "all.log", "--from", start.isoformat(), "--to", end.isoformat(),
                             "-o", str(everything))
    assert len(small.read_bytes().splitlines()) == EVENTS_PER_CUSTOMER
    assert everything.stat().st_size > 3 * GROWTH_LIMIT_KIB * 1024 // 2  # holding it would show
    assert peak - small_peak < GROWTH_LIMIT_KIB, (small_peak, peak)

    read = JSONFormat()
    with everything.open("rb") as lines:
        events = [read.read(None, line) for line in lines]
    assert [(e.get_id(), e.get_extension("sequence")) for e in events] == stored
    assert {e.get_source() for e in events} == {"/switchboard"}

    served = {**env, "SWITCHBOARD_RELAY_IN_PROCESS": "false",
              "SWITCHBOARD_PROJECTIONS_IN_PROCESS": "false"}
    with server_process(served, tmp_path / "serve.log") as (base, proc), \
            httpx.Client(base_url=base, headers=AUDITOR, timeout=120) as client:
        one = client.get("/api/v1/audit/export", params={"customer": str(customers[0][0])})
        assert one.content == small.read_bytes()
        before = high_water_kib(proc.pid)
        digest, count = hashlib.sha256(), 0
        with client.stream("GET", "/api/v1/audit/export",
                           params={"from": start.isoformat(), "to": end.isoformat()}) as response:
            assert response.status_code == 200
            for chunk in response.iter_bytes():
                digest.update(chunk)
                count += chunk.count(b"\n")
        after = high_water_kib(proc.pid)
    assert count == EVENTS
    assert digest.hexdigest() == hashlib.sha256(everything.read_bytes()).hexdigest()
    assert after - before < GROWTH_LIMIT_KIB, (before, after)
