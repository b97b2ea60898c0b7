"""The simulator's pure parts with seeded random sources: population, arrivals, call scripts, tally."""

from __future__ import annotations

import json
import random
import statistics
from collections import Counter
from uuid import uuid4

import pytest

from contact_center.simulation.call_mix import CallMix
from contact_center.simulation.call_script import CallPlan, CallScripter, percentile, poisson_arrivals
from contact_center.simulation.engine import SimulatedAgent, frozen_logins
from contact_center.simulation.population import build_population, unknown_number
from contact_center.simulation.report import SimulationReport, Tally


def test_poisson_arrivals_have_the_rate_asked_for_and_repeat_with_the_seed() -> None:
    times = list(poisson_arrivals(random.Random(3), 50, 200))
    assert times == sorted(times)
    assert times[0] >= 0
    assert times[-1] < 200
    assert abs(len(times) - 10_000) < 400  # 4 standard deviations of a Poisson count
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert statistics.mean(gaps) == pytest.approx(0.02, rel=0.05)
    assert statistics.stdev(gaps) == pytest.approx(0.02, rel=0.1)  # exponential: sd = mean
    assert times == list(poisson_arrivals(random.Random(3), 50, 200))
    assert list(poisson_arrivals(random.Random(3), 0, 200)) == []


def test_population_depends_only_on_its_name_and_keeps_people_stable_as_it_grows() -> None:
    small = build_population(agents=10, customers=200, name="p")
    large = build_population(agents=30, customers=900, name="p")
    assert large.agents[:10] == small.agents
    assert large.customers[:200] == small.customers
    assert build_population(agents=10, customers=200, name="q").customers != small.customers
    owners = Counter(c.phone for c in large.customers)
    assert set(large.shared_phones) == {p for p, n in owners.items() if n > 1}
    assert set(large.single_phones) == {p for p, n in owners.items() if n == 1}
    assert 0.05 < sum(owners[p] for p in large.shared_phones) / 900 < 0.35
    assert max(owners.values()) <= 3
    teams = Counter(a.team for a in large.agents)
    assert max(teams.values()) == 8
    assert len(teams) == 4
    assert len({a.extension for a in large.agents}) == 30 == len({a.login for a in large.agents})
    rng = random.Random(1)
    assert not {unknown_number(rng) for _ in range(500)} & set(owners)


def script(seed: int, calls: int = 3000, mix: CallMix | None = None) -> tuple[list[CallPlan], CallScripter]:
    population = build_population(agents=24, customers=600, name="s")
    scripter = CallScripter(population, mix or CallMix(), random.Random(seed), run_id="r")
    return [scripter.call(float(n)) for n in range(calls)], scripter


def test_call_scripts_mix_callers_offers_and_outcomes_as_configured() -> None:
    plans, scripter = script(5)
    population = scripter.population
    inbound = [p for p in plans if p.direction == "in"]
    assert len(plans) - len(inbound) == pytest.approx(0.15 * 3000, rel=0.15)
    matches = Counter(p.match for p in inbound)
    assert matches["withheld"] == pytest.approx(0.08 * len(inbound), rel=0.2)
    assert set(matches) == {"none", "single", "multiple", "withheld"}
    owners = Counter(c.phone.removeprefix("+") for c in population.customers)
    for plan in inbound:
        caller = str(plan.ring.body["from"])
        expected = {"withheld": 0, "none": 0, "single": 1}.get(str(plan.match))
        if plan.match == "withheld":
            assert caller == "anonymous"
        elif expected is None:
            assert owners[caller] > 1
        else:
            assert owners[caller] == expected
    by = Counter(p.offer_by for p in inbound)
    assert by["queue"] == pytest.approx(0.2 * len(inbound), rel=0.2)
    assert by["answeringNumber"] == pytest.approx(0.2 * len(inbound), rel=0.2)
    causes = Counter(p.outcome.cause for p in inbound)
    assert causes["normalClearing"] == pytest.approx(0.72 * len(inbound), rel=0.08)
    assert {"cancel", "noAnswer", "busy", "forwarded"} <= set(causes)


def test_each_call_rings_then_answers_by_an_offered_agent_then_hangs_up() -> None:
    plans, scripter = script(6, 500, CallMix(time_scale=0.01))
    by_login = {a.login: a for a in scripter.population.agents}
    for plan in plans:
        kinds = [e.body["event"] for e in plan.events]
        times = [e.at for e in plan.events]
        assert times == sorted(times)
        assert {e.body["callId"] for e in plan.events} == {plan.call_id}
        assert kinds == (["newCall", "answer", "hangup"] if plan.outcome.answered else ["newCall", "hangup"])
        assert plan.events[-1].body["cause"] == plan.outcome.cause
        if plan.outcome.answered:
            assert plan.events[1].body["user"] in plan.offered
            assert times[2] - times[0] < 0.01 * 3600  # scaled: a long call lasts seconds
        ring = plan.ring.body
        if plan.direction == "out":
            assert ring["user"] == plan.offered[0]
            assert ring["from"] == by_login[plan.offered[0]].extension
        elif plan.offer_by == "queue":
            assert {by_login[a].team for a in plan.offered} == {ring["queue"]}
            assert len(plan.offered) == len(scripter.population.team_members(str(ring["queue"])))
        elif plan.offer_by == "answeringNumber":
            assert ring["answeringNumber"] == by_login[plan.offered[0]].extension
        else:
            assert ring["user"] == list(plan.offered)
            assert 1 <= len(plan.offered) <= 3


def test_the_same_seed_scripts_the_same_calls() -> None:
    assert script(9, 200)[0] == script(9, 200)[0]
    assert script(9, 200)[0] != script(10, 200)[0]


def test_shares_outside_zero_to_one_are_refused() -> None:
    with pytest.raises(ValueError, match="shares"):
        CallMix(unknown_share=1.5)
    with pytest.raises(ValueError, match="at least one agent"):
        build_population(agents=0, customers=1)


def test_the_tally_times_pops_counts_the_missing_and_reports() -> None:
    plans, _ = script(2, 3)
    inbound = [p for p in plans if p.direction == "in"]
    tally = Tally()
    for plan in inbound:
        tally.ring_sent[plan.call_id] = 10.0
        tally.expected[plan.call_id] = set(plan.offered)
    first = inbound[0]
    pop = json.dumps({"type": "screen_pop", "seq": 1, "call_id": first.call_id, "match": first.match})
    for login in first.offered:
        tally.frame(login, pop, 10.004)
    tally.frame(first.offered[0], pop, 10.5)  # a duplicate does not count twice
    tally.frame("someone", json.dumps({"type": "screen_pop", "call_id": "other-run"}), 11.0)
    tally.frame("someone", "not json", 11.0)
    tally.frame("someone", json.dumps({"type": "heartbeat", "last_seq": 1}), 11.0)
    missing = sum(len(p.offered) for p in inbound[1:])
    assert tally.missing() == missing
    tally.finished.add(first.call_id)  # its hangup went through: every offered agent must hear so
    assert tally.missing() == missing + len(first.offered)
    for login in first.offered:
        tally.frame(login, json.dumps({"type": "call_ended", "call_id": first.call_id}), 12.0)
    assert tally.missing() == missing
    report = SimulationReport.of(plans, tally, agents=24, frozen=0, seconds=1.0, sockets_lost=0)
    assert report.pops_received == len(first.offered)
    assert report.missed_frames == missing
    assert report.pop_p50_ms == pytest.approx(4.0)
    assert report.unexpected_pops == 2
    assert report.errors == 1
    assert report.frames["heartbeat"] == 1
    assert report.frames["call_ended"] == len(first.offered)
    assert report.wrong_matches == 0
    assert dict(report.rows())["missed frames"] == str(missing)


def test_percentiles_and_frozen_agents() -> None:
    assert percentile(list(range(1, 101)), 0.99) == 99
    assert percentile([3.0], 0.5) == 3.0
    agents = [SimulatedAgent(f"a{i}", uuid4(), "t") for i in range(50)]
    assert len(frozen_logins(agents, 0.1)) == 5
    assert frozen_logins(agents, 0.0) == set()
