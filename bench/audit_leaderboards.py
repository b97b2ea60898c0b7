"""How long an auditor waits for a leaderboard as of an instant (``GET /api/v1/audit/leaderboards``),
replayed from the event store, and how much memory the replay takes.

    .venv/bin/python -m bench.audit_leaderboards [--calls N] [--filler N]

A month of answered calls (ring, answer, end: three events each) of 50 agents in 5 teams,
between bulk-written customers' events the rules do not read. The replay is timed for the
whole month and for an instant in its middle (which reads the same pages and applies half
the events), through ``LeaderboardReplay`` as the API calls it. PostgreSQL is embedded in a
temporary directory unless ``DATABASE_URL`` is set; personal fields are encrypted. The table
is printed and appended to ``docs/BENCHMARKS.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import threading
import time
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from bench.replay import current_rss_kib, table, write_side
from bench.services import append_to_benchmarks
from contact_center.bootstrap import Container
from contact_center.leaderboard_views import Period
from domain.agent import Agent
from domain.interaction import Interaction
from domain.interaction_values import Direction
from tests.bulk_events import EVENTS_PER_CUSTOMER, save_batch

AGENTS, TEAMS = 50, 5
CALLS = 5_000  # answered calls in the month, three events each
CALLS_PER_SAVE = 200
START = datetime(2025, 3, 1, 7, 0, tzinfo=UTC)  # 08:00 on 1 March 2025 in Berlin
END = datetime(2025, 3, 31, 21, 0, tzinfo=UTC)  # 23:00 on 31 March in Berlin, after the last call
REPEATS = 3
COMMAND = ".venv/bin/python -m bench.audit_leaderboards"
Row = tuple[str, str]


def onboard(container: Container) -> list[UUID]:
    agents = []
    for n in range(AGENTS):
        agent = Agent.onboard(id=uuid4(), display_name=f"Agent {n}", login=f"agent{n}",
                              team=f"team {n % TEAMS}", actor="bench", occurred_at=START)
        agent.grant_leaderboard_consent(actor="bench", occurred_at=START)
        agents.append(agent)
    container.app.save(*agents)
    return [agent.id for agent in agents]


def write_calls(container: Container, agents: list[UUID], calls: int, filler_every: int) -> None:
    """``calls`` calls spread over the month, with customers' events between the saves."""
    pick = random.Random(7)
    step = (END - START - timedelta(hours=1)) / calls
    for first in range(0, calls, CALLS_PER_SAVE):
        batch = []
        for n in range(first, min(calls, first + CALLS_PER_SAVE)):
            at = START + step * n
            call = Interaction.ring(id=uuid4(), direction=Direction.INBOUND, from_address="+493055571600",
                                    to_address="+4930123456", queue="billing", actor="cti", occurred_at=at)
            answered = at + timedelta(seconds=pick.randint(2, 40))
            call.answer(pick.choice(agents), actor="cti", occurred_at=answered)
            call.end(actor="cti", occurred_at=answered + timedelta(seconds=pick.randint(5, 400)))
            batch.append(call)
        container.app.save(*batch)
        if filler_every and (first // CALLS_PER_SAVE) % filler_every == 0:
            save_batch(container.app, 50, [], str(first))


def timed_replay(container: Container, as_of: datetime) -> tuple[float, int, str, int]:
    """Median seconds of the replay, events applied, who leads, peak RSS growth in KiB."""
    times, rss, done = [], [current_rss_kib()], threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            rss.append(current_rss_kib())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    for _ in range(REPEATS):
        began = time.perf_counter()
        found = container.audit.leaderboards.leaderboard(Period.MONTH, as_of)
        times.append(time.perf_counter() - began)
    done.set()
    sampler.join()
    agents = found.board.agents
    leader = f"{len(agents)} agents ranked, the first with {agents[0].points:,} points" if agents else "empty"
    return statistics.median(times), found.applied, leader, max(rss) - rss[0]


def measure(calls: int, filler_every: int) -> list[Row]:
    with write_side() as container:
        agents = onboard(container)
        began = time.perf_counter()
        write_calls(container, agents, calls, filler_every)
        seconds = time.perf_counter() - began
        total = container.app.recorder.max_notification_id() or 0
        filler = total - 2 * AGENTS - 3 * calls
        rows: list[Row] = [("log written (calls in saves of 200, customers' events between)",
                            f"{total:,} events: {3 * calls:,} of calls, {filler:,} others, "
                            f"{2 * AGENTS} of agents, in {seconds:.0f} s")]
        for label, as_of in (("end of the month", END),
                             ("middle of the month", START + timedelta(days=15))):
            median, applied, leader, growth = timed_replay(container, as_of)
            rows.append((f"month board as of the {label} (median of {REPEATS})",
                         f"{median:.2f} s: {applied:,} events applied = {applied / median:,.0f} "
                         f"events/s, {leader}"))
            rows.append(("RSS growth during those replays (sampled every 50 ms)",
                         f"{growth / 1024:,.1f} MiB"))
        return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=CALLS, help=f"answered calls in the month ({CALLS:,})")
    parser.add_argument("--filler-every", type=int, default=1,
                        help=f"a save of 50 customers ({50 * EVENTS_PER_CUSTOMER} events) after every "
                             "this many saves of calls; 0 for none (1)")
    args = parser.parse_args()
    began, load = time.monotonic(), os.getloadavg()[0]
    rows = measure(args.calls, args.filler_every)
    where = "from DATABASE_URL" if os.environ.get("DATABASE_URL") else "embedded (fsync on)"
    custom = args.calls != CALLS or args.filler_every != 1
    command = f"{COMMAND} --calls {args.calls} --filler-every {args.filler_every}" if custom else COMMAND
    report = (f"## Audit leaderboard replay — {datetime.now(UTC):%Y-%m-%d}\n\n"
              f"{len(os.sched_getaffinity(0))} CPUs (nproc), Python {platform.python_version()}, "
              f"{platform.system()} {platform.machine()}, load average {load:.1f} at start and "
              f"{os.getloadavg()[0]:.1f} at the end; PostgreSQL {where}, on this machine; personal "
              f"fields encrypted; the shipped rules file. {AGENTS} agents in {TEAMS} teams answer the "
              f"month's calls; the replay reads the rules' event kinds up to the log's head, applies "
              f"those up to `as_of` into temporary tables and ranks the month (`LeaderboardReplay`, "
              f"as `GET /api/v1/audit/leaderboards` calls it). Command: `{command}` "
              f"({time.monotonic() - began:.0f} s).\n\n{table(rows)}")
    print(report)
    append_to_benchmarks(report)


if __name__ == "__main__":
    main()
