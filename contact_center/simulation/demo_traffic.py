"""The demo's background traffic: once the served app answers, seed the demo call center
(idempotently: a second start finds it) and ring calls gently, in rounds of an hour, each with
fresh agent tokens, for as long as the demo runs."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable

from adapters.services.processes import ServiceError
from adapters.simulator_clients import wait_until_serving
from contact_center.bootstrap import bootstrap
from contact_center.errors import ApplicationError
from contact_center.service_wiring import call_simulator
from contact_center.settings import Settings
from contact_center.simulation.call_mix import CallMix
from contact_center.simulation.demo_center import demo_logins, seed_histories
from contact_center.simulation.runs import RunOptions, next_round, play, prepare
from domain.errors import DomainError

log = logging.getLogger("switchboard.simulator")
ROUND_SECONDS = 3600.0


def demo_options(agents: int, customers: int, rate: float) -> RunOptions:
    """Calls of realistic length; the population named ``demo``."""
    return RunOptions(agents=agents, customers=customers, rate=rate, duration=ROUND_SECONDS,
                      population="demo", mix=CallMix())


def start_demo_traffic(settings: Settings, base_url: str, options: RunOptions,
                       say: Callable[[str], None]) -> threading.Thread:
    thread = threading.Thread(target=_run, args=(settings, base_url, options, say), daemon=True,
                              name="demo-traffic")
    thread.start()
    return thread


def _run(settings: Settings, base_url: str, options: RunOptions, say: Callable[[str], None]) -> None:
    if not wait_until_serving(base_url, timeout=300):
        say(f"demo traffic: {base_url} did not answer; no calls simulated")
        return
    try:
        container = bootstrap(settings)
    except ServiceError as error:
        say(f"demo traffic: {error}")
        return
    try:
        run = prepare(container, options)
        histories = seed_histories(container, run.seeded)
        say(f"demo traffic: {options.agents} agents and {options.customers} customers with earlier "
            f"contacts ({run.seeded.stored} new commands, {histories} history batches stored); ringing "
            f"{options.rate:g} calls/s through CTI integration {run.stage.integration_name}")
        logins_file = settings.data_dir / "demo-logins.json"
        for login in demo_logins(container, run.seeded, logins_file):
            say(f"  {base_url}{login.page}  sign in as {login.username} ({login.role}), "
                f"password {login.password}")
        say(f"  (these demo logins are kept in {logins_file})")
        while True:
            report = asyncio.run(play(call_simulator(base_url, run.stage.cti_token), run))
            log.info("demo traffic round: %s", ", ".join(f"{name} {value}" for name, value in report.rows()))
            run = next_round(container, run)
    except (ApplicationError, DomainError, OSError) as error:
        say(f"demo traffic stopped: {error}")
    finally:
        container.close()
