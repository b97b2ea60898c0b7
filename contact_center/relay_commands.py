"""``switchboard relay`` and ``switchboard docs``: the event relay alone, and generated docs."""

from __future__ import annotations

import logging
import os
import signal
import threading
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer
from rich.console import Console

from adapters.services.processes import ServiceError
from contact_center.bootstrap import bootstrap_relay
from contact_center.event_catalogue import event_catalogue
from contact_center.heap import settle_heap
from contact_center.settings import Settings

EVENTS_MD = Path(__file__).resolve().parents[1] / "docs" / "events.md"
ROLES_MD = Path(__file__).resolve().parents[1] / "docs" / "users-and-roles.md"

docs = typer.Typer(help="Generated documentation.", no_args_is_help=True)
console = Console()


def relay() -> None:
    """Run the event relay alone until SIGTERM or Ctrl-C. Start two for a hot standby."""
    settings = Settings()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        container = bootstrap_relay(settings)
    except ServiceError as error:
        console.print(f"[red]error:[/red] {error}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from error
    stop = threading.Event()

    def request_stop(signum: int, _: FrameType | None) -> None:
        logging.getLogger(__name__).info("%s received: stopping", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    logging.getLogger(__name__).info("relaying %s.switchboard_events to %s (pid %d)",
                                     settings.db_schema, container.relay.topic, os.getpid())
    settle_heap()
    try:
        container.relay.run(stop)
    finally:
        container.app.close()


@docs.command("events")
def docs_events(
    output: Annotated[Path, typer.Option(help="where to write the catalogue")] = EVENTS_MD,
) -> None:
    """Write the catalogue of event types (docs/events.md) from the domain's event classes."""
    output.write_text(event_catalogue(), encoding="utf-8")
    console.print(f"wrote {output}", highlight=False)


@docs.command("roles")
def docs_roles(
    output: Annotated[Path, typer.Option(help="the page whose role matrix to rewrite")] = ROLES_MD,
) -> None:
    """Rewrite the role matrix in docs/users-and-roles.md from the routes' declarations."""
    from api.app import routes_only
    from api.role_matrix import role_matrix, with_matrix

    output.write_text(with_matrix(output.read_text(encoding="utf-8"), role_matrix(routes_only())),
                      encoding="utf-8")
    console.print(f"wrote {output}", highlight=False)
