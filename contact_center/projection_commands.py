"""``switchboard projections``: run the read-model workers, rebuild one, show their lag."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType
from typing import Annotated

import typer
from rich.table import Table

from adapters.projection_runner import lag_report
from contact_center.cli_support import console, open_container

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
    logging.getLogger("switchboard.projections").info(
        "projecting %s into schema %s", ", ".join(container.projections.names()),
        container.settings.db_schema)
    try:
        stop.wait()
    finally:
        container.close()


@projections.command("rebuild")
def rebuild(name: Annotated[str, typer.Argument(help="projection name, e.g. caller_history")]) -> None:
    """Drop one projection's tables and offsets; the running workers replay it from offset 0."""
    container = open_container()
    try:
        container.projections.rebuild(name)
    except KeyError as error:
        console.print(f"[red]error:[/red] {error.args[0]}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from error
    finally:
        container.close()
    console.print(f"{name}: dropped; it rebuilds from the first event as its worker runs")


@projections.command("status")
def status() -> None:
    """Each projection's lag: records on Kafka it has not applied yet."""
    container = open_container()
    try:
        lags = lag_report(container.endpoints.kafka_bootstrap_servers,
                          f"{container.settings.topic_prefix}.events", container.endpoints.database_url,
                          container.settings.db_schema, container.projections.projections)
    finally:
        container.close()
    table = Table("projection", "lag (records)")
    for name, lag in lags.items():
        table.add_row(name, str(lag))
    console.print(table)
