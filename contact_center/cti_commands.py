"""``switchboard cti``: configure the telephony systems that call the CTI webhook."""

from __future__ import annotations

from typing import Annotated

import typer

from adapters.cti_store import IntegrationExists
from contact_center.cli_support import console, open_container
from domain.errors import InvalidValue

cti = typer.Typer(help="CTI integrations: telephony systems posting call events.", no_args_is_help=True)



@cti.command("add-integration")
def add_integration(
    name: Annotated[str, typer.Argument(help="the telephony system, e.g. office-pbx")],
    block: Annotated[list[str] | None, typer.Option(
        "--block", metavar="NUMBER",
        help="reject inbound calls from this number (any format; 'anonymous' for withheld)")] = None,
    caller_id_rule: Annotated[list[str] | None, typer.Option(
        "--caller-id-rule", metavar="PATTERN=CALLERID",
        help="outbound calls to numbers matching PATTERN (digits, * = any) show CALLERID; "
             "first match wins, '*=NUMBER' is the default")] = None,
) -> None:
    """Add an integration and print its webhook token: shown once, stored only as a hash."""
    container = open_container()
    try:
        token = container.cti.integrations.add(name, block or (), caller_id_rule or ())
    except (InvalidValue, IntegrationExists) as error:
        console.print(f"[red]error:[/red] {error}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from error
    finally:
        container.close()
    console.print(f"integration {name!r} added. Its token is shown only now; keep it secret.",
                  highlight=False)
    print(token)
    console.print(f"webhook: POST http://{container.settings.http_host}:{container.settings.http_port}"
                  f"/api/v1/cti/<token>", highlight=False)


@cti.command("list")
def list_integrations() -> None:
    """The configured integrations' names."""
    container = open_container()
    try:
        names = container.cti.integrations.names()
    finally:
        container.close()
    for name in names:
        print(name)
