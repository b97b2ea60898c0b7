"""``switchboard audit``: verify the tamper-evident hash chains, sign checkpoints, export events."""

from __future__ import annotations

import getpass
from datetime import datetime
from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from contact_center.access_log import AuditRead
from contact_center.audit_export import ExportScope
from contact_center.bootstrap import Container
from contact_center.cli_support import console, fail, open_container
from contact_center.errors import NotFound

audit = typer.Typer(help="Audit: tamper evidence and exports of the event store.", no_args_is_help=True)


@audit.command("verify")
def verify(
    checkpoint: Annotated[bool, typer.Option(help="sign a checkpoint at the head when clean")] = False,
) -> None:
    """Walk both hash chains and report the first broken link (exit code 1), in bounded memory."""
    container = open_container()
    verifier = container.chain_verifier
    try:
        columns = (TextColumn("verifying"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task("events", total=verifier.total())
            result = verifier.verify(lambda done: bar.update(task, completed=done))
        if result.ok and checkpoint:
            position = verifier.sign_checkpoint(container.data_keys.keyring.current_id)
            console.print(f"signed checkpoint at position {position}")
    finally:
        container.close()
    if result.first_break is None:
        console.print(f"ok: {result.events} events, {result.checkpoints} checkpoints verified")
        return
    b = result.first_break
    console.print(f"[red]BROKEN[/red] at position {b.position}, aggregate {b.aggregate_id}, "
                  f"version {b.version}: {b.problem}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


@audit.command("export")
def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="file to write the JSON Lines to")],
    customer: Annotated[UUID | None, typer.Option(help="a customer and all aggregates of its data")] = None,
    start: Annotated[str | None, typer.Option("--from", help="RFC 3339 instant, inclusive")] = None,
    end: Annotated[str | None, typer.Option("--to", help="RFC 3339 instant, exclusive")] = None,
    decrypted: Annotated[bool, typer.Option(help="open the personal fields")] = False,
    viewer: Annotated[str | None, typer.Option(help="who reads, for the access log [cli:<user>]")] = None,
) -> None:
    """Write stored events as JSON Lines of CloudEvents, the same as GET /api/v1/audit/export.
    The export is recorded in the access log first."""
    if (customer is None) == (start is None and end is None) or (start is None) != (end is None):
        raise typer.BadParameter("pass either --customer, or both --from and --to")
    container = open_container()
    try:
        scope = _scope(container, customer, start, end, decrypted)
        reader = viewer or f"cli:{getpass.getuser()}"
        container.audit.access_log.record(AuditRead(reader, "export", customer, scope.query()))
        count = 0
        with output.open("wb") as out:
            for line in container.audit.export.lines(scope):
                out.write(line)
                count += 1
    except (NotFound, ValueError) as error:
        fail(error)
    finally:
        container.close()
    console.print(f"exported {count} events to {output}", highlight=False)


def _scope(container: Container, customer: UUID | None, start: str | None, end: str | None,
           decrypted: bool) -> ExportScope:
    if customer is not None:
        return container.audit.export.of_customer(customer, decrypted)
    assert start is not None
    assert end is not None
    return container.audit.export.of_period(datetime.fromisoformat(start), datetime.fromisoformat(end),
                                            decrypted)


