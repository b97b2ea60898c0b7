"""The call simulator against a real ``switchboard serve``: seeded population, real webhook
requests, real agent sockets; every offered agent gets its pop with the right match, and every
call ends in the event store and the caller's timeline as scripted."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from pydantic import SecretStr

from adapters.services.stack import Endpoints
from contact_center.bootstrap import Container, bootstrap
from contact_center.cti_events import call_interaction_id
from contact_center.roles import Role
from contact_center.service_wiring import call_simulator
from contact_center.settings import Settings
from contact_center.simulation.call_mix import CallMix
from contact_center.simulation.report import Tally
from contact_center.simulation.runs import RunOptions, play, prepare
from tests.conftest import TEST_MASTER_KEY, bearer_for
from tests.e2e.agent_sockets import wait_until
from tests.process_helpers import cli_env, run_cli, serving
from tests.schemas import scratch_schema

OPTIONS = RunOptions(
    agents=6, customers=80, rate=8.0, duration=4.0, seed=11, population="e2e", team_size=3,
    mix=CallMix(withheld_share=0.2, unknown_share=0.25, shared_share=0.35, time_scale=0.004))


@pytest.fixture
def schema(services: Endpoints) -> Iterator[str]:
    with scratch_schema(services.database_url) as name:
        yield name


@pytest.fixture
def seeder(services: Endpoints, schema: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    settings = Settings(database_url=services.database_url,
                        kafka_bootstrap_servers=services.kafka_bootstrap_servers, db_schema=schema,
                        topic_prefix=schema, data_dir=tmp_path_factory.mktemp("sim"),
                        master_key=SecretStr(TEST_MASTER_KEY), relay_in_process=False,
                        projections_in_process=False)
    built = bootstrap(settings, services)
    try:
        yield built
    finally:
        built.close()


def test_simulated_traffic_pops_every_offered_agent_and_ends_every_call(
        services: Endpoints, schema: str, seeder: Container,
        tmp_path_factory: pytest.TempPathFactory) -> None:
    env = cli_env(DATABASE_URL=services.database_url,
                  KAFKA_BOOTSTRAP_SERVERS=services.kafka_bootstrap_servers,
                  SWITCHBOARD_DB_SCHEMA=schema, SWITCHBOARD_TOPIC_PREFIX=schema,
                  SWITCHBOARD_MASTER_KEY=TEST_MASTER_KEY, SWITCHBOARD_READ_WAIT_SECONDS="30",
                  SWITCHBOARD_DATA_DIR=str(tmp_path_factory.mktemp("data")))
    log = tmp_path_factory.mktemp("logs") / "serve.log"
    with serving(env, log) as base:
        run = prepare(seeder, OPTIONS)
        assert run.seeded.stored == 2 * 6 + 80  # onboard + available per agent, one per customer
        assert prepare(seeder, OPTIONS).seeded.stored == 0  # seeding again adds nothing
        tally = Tally()
        # A thread of its own: session fixtures (a sync browser) may hold this thread's event loop.
        with ThreadPoolExecutor(1) as thread:
            report = thread.submit(asyncio.run, play(call_simulator(base, run.stage.cti_token), run,
                                                     tally=tally)).result()

        assert (report.errors, report.error_samples, report.sockets_lost) == (0, (), 0)
        key_id = run.stage.cti_token.partition(".")[0]
        refused = httpx.post(f"{base}/api/v1/cti/{key_id}.not-the-secret", json={}, timeout=30)
        assert refused.status_code == 401
        logged = log.read_text()
        # Successful webhook requests are events in the store, not log lines; a refused one is
        # logged, without the token.
        assert logged.count("POST /api/v1/cti/") == 1
        assert re.search(r'"POST /api/v1/cti/\[redacted\] HTTP/1.1" 401', logged)
        assert key_id not in logged
        assert "Logging error" not in logged
        assert "Traceback" not in logged
        assert run.stage.cti_token.partition(".")[2] not in logged
        assert report.calls == len(tally.played) >= 20
        assert report.outbound > 0
        assert report.pops_received == report.pops_expected > report.inbound
        assert report.missed_frames == 0
        assert report.wrong_matches == 0
        assert set(report.seen_matches) == {"none", "single", "multiple", "withheld"}
        assert report.seen_matches == report.expected_matches
        answered = [p for p in tally.played if p.direction == "in" and p.outcome.answered]
        assert report.frames["call_ended"] == sum(len(p.offered) for p in tally.played if p.direction == "in")
        assert report.frames["call_taken"] == sum(len(p.offered) for p in answered)  # the taker's tab too

        statuses = {}
        for plan in tally.played:
            call = seeder.interactions.get(call_interaction_id(run.stage.integration_id, plan.call_id))
            statuses[plan.call_id] = (call.status.value, call.direction.value, call.talk_seconds is not None)
        assert statuses == {p.call_id: (p.outcome.status, f"{p.direction}bound", p.outcome.answered)
                            for p in tally.played}
        assert {p.outcome.cause for p in tally.played} >= {"normalClearing", "cancel"}

        population = run.seeded.population
        single = next(p for p in answered if p.match == "single")
        owner = next(c for c in population.customers if c.phone.removeprefix("+") == single.ring.body["from"])
        customer_id = run.seeded.customer_ids[owner.index]
        interaction_id = str(call_interaction_id(run.stage.integration_id, single.call_id))

        def in_timeline() -> bool:
            page = httpx.get(f"{base}/api/v1/customers/{customer_id}/timeline", timeout=30,
                             headers=bearer_for(Role.SUPERVISOR)).json()
            entries = {e["id"]: e for e in page["entries"]}
            entry = entries.get(interaction_id)
            return entry is not None and entry["status"] == "ended" and entry["talk_seconds"] is not None

        wait_until(in_timeline, timeout=90, what="the answered call in the caller's timeline")

        command = run_cli("simulate", "--agents", "6", "--customers", "80", "--population", "e2e",
                          "--team-size", "3", "--rate", "5", "--duration", "2", "--time-scale", "0.004",
                          "--base-url", base, env=env)
        assert command.returncode == 0, command.stdout + command.stderr
        assert "seeded 6 agents and 80 customers (0 commands stored)" in command.stdout
        for row, value in (("missed frames", "0"), ("errors", "0"), ("sockets lost", "0")):
            assert re.search(rf"{row}\s*│\s*{value}\s*│", command.stdout), command.stdout
