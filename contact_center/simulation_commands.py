"""``switchboard simulate``: realistic call traffic against a running Switchboard (docs/simulator.md)."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.progress import Progress, TaskID
from rich.table import Table

from contact_center.bootstrap import Container
from contact_center.cli_support import console, fail, open_container
from contact_center.errors import ApplicationError
from contact_center.service_wiring import call_simulator
from contact_center.simulation.call_mix import CallMix
from contact_center.simulation.report import SimulationReport
from contact_center.simulation.runs import PreparedRun, RunOptions, play, prepare
from domain.errors import DomainError


def simulate(
    agents: Annotated[int, typer.Option("--agents", min=1, max=10_000,
                                        help="agents, each holding a socket")] = 20,
    rate: Annotated[float, typer.Option("--rate", min=0.0, help="rings per second (Poisson arrivals)")] = 2.0,
    duration: Annotated[float, typer.Option("--duration", min=0.1, help="seconds of ringing")] = 60.0,
    base_url: Annotated[str | None, typer.Option(
        "--base-url",
        help="the served API (default: http://SWITCHBOARD_HTTP_HOST:SWITCHBOARD_HTTP_PORT)")] = None,
    seed: Annotated[int, typer.Option("--seed", help="seed of the traffic")] = 1,
    customers: Annotated[int, typer.Option("--customers", min=1, help="customers to seed")] = 1000,
    population: Annotated[str, typer.Option("--population", help="name of the seeded population")] = "sim",
    team_size: Annotated[int, typer.Option("--team-size", min=1, help="agents per team (queue)")] = 8,
    unknown_share: Annotated[float, typer.Option("--unknown-share", min=0.0, max=1.0,
                                                 help="callers with a number nobody has")] = 0.15,
    withheld_share: Annotated[float, typer.Option("--withheld-share", min=0.0, max=1.0,
                                                  help="inbound callers withholding their number")] = 0.08,
    shared_share: Annotated[float, typer.Option(
        "--shared-share", min=0.0, max=1.0, help="known callers on a number several customers share")] = 0.1,
    outbound_share: Annotated[float, typer.Option("--outbound-share", min=0.0, max=1.0,
                                                  help="calls our agents make")] = 0.15,
    time_scale: Annotated[float, typer.Option(
        "--time-scale", min=0.0001, help="multiplies ring and talk times (0.01: 3 min in 2 s)")] = 1.0,
    frozen_share: Annotated[float, typer.Option("--frozen-share", min=0.0, max=1.0,
                                                help="agents whose socket never reads")] = 0.0,
) -> None:
    """Seed a call center, hold every agent's socket and ring calls through the CTI webhook;
    prints rings, screen-pops, ring → pop latency and errors."""
    options = RunOptions(
        agents=agents, customers=customers, rate=rate, duration=duration, seed=seed, population=population,
        team_size=team_size, frozen_share=frozen_share,
        mix=CallMix(unknown_share=unknown_share, withheld_share=withheld_share, shared_share=shared_share,
                    outbound_share=outbound_share, time_scale=time_scale))
    container = open_container()
    url = base_url or f"http://{container.settings.http_host}:{container.settings.http_port}"
    try:
        run = prepare_with_progress(container, options)
    except (ApplicationError, DomainError) as error:
        fail(error)
    finally:
        container.close()
    console.print(f"seeded {agents} agents and {customers} customers ({run.seeded.stored} commands stored); "
                  f"integration {run.stage.integration_name}; ringing {rate}/s for {duration:g} s at {url}",
                  highlight=False)
    simulator = call_simulator(url, run.stage.cti_token)
    report = asyncio.run(play(simulator, run, connected=lambda n: console.print(f"{n} agent sockets open")))
    console.print(report_table(report))
    if report.errors or report.missed_frames:
        raise typer.Exit(1)


def prepare_with_progress(container: Container, options: RunOptions) -> PreparedRun:
    with Progress(console=console, transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(what: str, done: int, total: int) -> None:
            if what not in tasks:
                tasks[what] = bar.add_task(f"seeding {what}", total=total)
            bar.update(tasks[what], completed=done)

        return prepare(container, options, progress)


def report_table(report: SimulationReport) -> Table:
    table = Table("simulation", "")
    for name, value in report.rows():
        table.add_row(name, value)
    for sample in report.error_samples[:10]:
        table.add_row("error", sample)
    return table
