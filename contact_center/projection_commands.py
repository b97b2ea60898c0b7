"""``switchboard projections``: run the read-model workers, rebuild one, show their lag."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType
from typing import Annotated

import typer
from rich.table import Table

from adapters.projection_shadow import RebuildInProgress
from adapters.projection_status import projection_status
from contact_center.cli_support import console, fail, open_container
from contact_center.heap import settle_heap
from contact_center.rebuild_progress import BarProgress

projections = typer.Typer(help="Read models built from the Kafka event log.", no_args_is_help=True)



@projections.command("run")
def run() -> None:
    """Run every projection until SIGTERM or Ctrl-C; each resumes from its stored offsets."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    container = open_container()
    stop = threading.Event()

    def request_stop(signum: int, _: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    container.projections.start()
    settle_heap()
    logging.getLogger("switchboard.projections").info(
        "projecting %s into schema %s", ", ".join(container.projections.names()),
        container.settings.db_schema)
    try:
        stop.wait()
    finally:
        container.close()


@projections.command("rebuild")
def rebuild(
    name: Annotated[str, typer.Argument(help="projection name, e.g. caller_history")],
    from_store: Annotated[bool, typer.Option(
        "--from-store", help="read the event store's notification log instead of Kafka "
                             "(when the topic no longer holds every event)")] = False,
) -> None:
    """Build new tables beside the live ones and switch to them atomically when caught up.

    The live tables keep serving reads and keep being updated by the running workers."""
    container = open_container()
    try:
        with BarProgress(console) as bar:
            result = container.projections.rebuild(name, from_store=from_store, progress=bar)
    except KeyError as error:
        fail(error.args[0])
    except RebuildInProgress as error:
        fail(error)
    finally:
        container.close()
    console.print(f"{result.projection}: {result.events:,} events applied in {result.seconds:.1f} s "
                  f"({result.rate:,.0f} events/s); switched at "
                  f"{sum(result.offsets.values()):,} records of the topic", highlight=False)


@projections.command("status")
def status(
    sample: Annotated[float, typer.Option(help="seconds over which applied/s is measured")] = 1.0,
) -> None:
    """Each projection's lag (records and age of the oldest unapplied one) and applied/s."""
    container = open_container()
    try:
        report = projection_status(
            container.endpoints.kafka_bootstrap_servers, f"{container.settings.topic_prefix}.events",
            container.endpoints.database_url, container.settings.db_schema,
            container.projections.projections, sample_seconds=sample)
    finally:
        container.close()
    table = Table("projection", "lag (records)", "lag (seconds)", "applied/s")
    for row in report:
        table.add_row(row.name, f"{row.lag_records:,}", f"{row.lag_seconds:.1f}",
                      f"{row.applied_per_second:,.0f}")
    console.print(table)
