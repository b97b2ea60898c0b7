"""The ``switchboard`` command: services, serve, demo."""

from __future__ import annotations

import logging
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import Progress, TaskID
from rich.table import Table

from adapters.services.processes import ServiceError
from contact_center import (
    agent_commands,
    audit_commands,
    cti_commands,
    projection_commands,
    relay_commands,
    simulation_commands,
)
from contact_center.bootstrap import bootstrap, local_stack
from contact_center.gamification_commands import gamification
from contact_center.heap import settle_heap
from contact_center.master_key import ensure_key_file, generate_master_key, key_file
from contact_center.settings import Settings
from contact_center.simulation.demo_traffic import demo_options, start_demo_traffic
from contact_center.user_commands import users

app = typer.Typer(help="Switchboard: event-sourced contact-center CRM.", no_args_is_help=True)
services = typer.Typer(help="Embedded PostgreSQL and Kafka for one machine.", no_args_is_help=True)
app.add_typer(services, name="services")
keys = typer.Typer(help="Master key for personal data.", no_args_is_help=True)
app.add_typer(keys, name="keys")
retention = typer.Typer(help="Shred personal fields past their retention period.", no_args_is_help=True)
app.add_typer(retention, name="retention")
app.command("relay")(relay_commands.relay)
app.add_typer(relay_commands.docs, name="docs")
app.add_typer(projection_commands.projections, name="projections")
app.add_typer(audit_commands.audit, name="audit")
app.add_typer(cti_commands.cti, name="cti")
app.add_typer(agent_commands.agents, name="agents")
app.add_typer(gamification, name="gamification")
app.add_typer(users, name="users")
app.command("simulate")(simulation_commands.simulate)
console = Console()


def _fail(error: Exception) -> NoReturn:
    console.print(f"[red]error:[/red] {error}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


@services.command("up")
def services_up() -> None:
    """Start embedded PostgreSQL and Kafka (a no-op for ones already running)."""
    stack = local_stack(Settings())
    already = {s.name for s in stack.status() if s.running}
    try:
        stack.up()
    except ServiceError as error:
        _fail(error)
    for status in stack.status():
        verb = "already running" if status.name in already else "started"
        console.print(f"{status.name}: {verb} at {status.address}" +
                      (f" (pid {status.pid})" if status.pid else ""), highlight=False,
                      soft_wrap=True)


@services.command("down")
def services_down() -> None:
    """Stop the embedded services this machine started (by their recorded PIDs)."""
    try:
        stopped = local_stack(Settings()).down()
    except ServiceError as error:
        _fail(error)
    console.print(f"stopped: {', '.join(stopped)}" if stopped else "nothing was running")


@services.command("status")
def services_status() -> None:
    """Show each service, where it is and whether it runs."""
    table = Table("service", "running", "embedded", "address", "pid")
    for s in local_stack(Settings()).status():
        table.add_row(s.name, "yes" if s.running else "no", "yes" if s.embedded else "no",
                      s.address or "-", str(s.pid or "-"))
    console.print(table)


@keys.command("generate")
def keys_generate() -> None:
    """Print a new random master key (base64 of 32 bytes) for SWITCHBOARD_MASTER_KEY."""
    print(generate_master_key())


@keys.command("rotate")
def keys_rotate() -> None:
    """Re-wrap every data key with SWITCHBOARD_MASTER_KEY; list the old key in
    SWITCHBOARD_PREVIOUS_MASTER_KEYS for this run. Events are not touched."""
    try:
        container = bootstrap(Settings())
    except ServiceError as error:
        _fail(error)
    try:
        count = container.data_keys.rewrap_all()
    finally:
        container.close()
    console.print(f"re-wrapped {count} data keys with master key {container.data_keys.keyring.current_id}")


@retention.command("run")
def retention_run(dry_run: Annotated[bool, typer.Option("--dry-run", help="only report")] = False) -> None:
    """Shred expired personal fields (idempotent); --dry-run reports what is due."""
    try:
        container = bootstrap(Settings())
    except ServiceError as error:
        _fail(error)
    try:
        with Progress(console=console, transient=True) as bar:
            tasks: dict[str, TaskID] = {}

            def progress(name: str, done: int, total: int) -> None:
                if name not in tasks:
                    tasks[name] = bar.add_task(f"shredding {name}", total=total)
                bar.update(tasks[name], completed=done)

            reports = container.retention.run(dry_run=dry_run, progress=progress)
    finally:
        container.close()
    table = Table("retention class", "days", "due", "shredded")
    for r in reports:
        table.add_row(r.retention_class, str(r.days), str(r.due), str(r.shredded))
    console.print(table)
    if dry_run:
        console.print("dry run: nothing was shredded")


@app.command()
def serve(host: str | None = None, port: int | None = None) -> None:
    """Run the HTTP API (and, by default, the event relay and projections) against running services."""
    import uvicorn

    from api.app import create_app

    settings = Settings()
    try:
        container = bootstrap(settings)
    except ServiceError as error:
        _fail(error)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    application = create_app(container)
    settle_heap(serving=True)
    try:
        uvicorn.run(application, host=host or settings.http_host,
                    port=port or settings.http_port, log_level="info")
    finally:
        container.close()


@app.command()
def demo(
    agents: Annotated[int, typer.Option("--agents", min=1, max=2000, help="simulated agents")] = 24,
    customers: Annotated[int, typer.Option("--customers", min=1, help="seeded customers")] = 10_000,
    rate: Annotated[float, typer.Option("--rate", min=0.0, help="simulated calls per second")] = 0.5,
    simulate: Annotated[bool, typer.Option("--simulate/--no-simulate", help="ring simulated calls")] = True,
) -> None:
    """Start everything on embedded defaults and serve the API; prints the URLs to open. Seeds a
    demo call center (once) and rings simulated calls in the background."""
    settings = Settings()
    try:
        local_stack(settings).up()
    except ServiceError as error:
        _fail(error)
    if ensure_key_file(settings):
        console.print(f"generated a master key for personal data at {key_file(settings)}", highlight=False)
    base = f"http://{settings.http_host}:{settings.http_port}"
    console.print(f"Switchboard demo at {base}\n  API docs: {base}/docs\n  readiness: {base}/readyz\n"
                  f"  metrics: {base}/metrics", highlight=False)
    if simulate:
        console.print(f"demo traffic: seeding {agents} agents and {customers} customers once the API "
                      f"answers, then {rate:g} simulated calls/s (--no-simulate: none)", highlight=False)
        start_demo_traffic(settings, base, demo_options(agents, customers, rate),
                           lambda line: console.print(line, highlight=False, soft_wrap=True))
    serve(None, None)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
