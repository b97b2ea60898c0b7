"""Standings at 5,000 agents: what one wallboard recomputation costs (part of bench.leaderboard).

A gamification version's tables are filled directly with 5,000 agents in 50 teams, 31 local days
of point totals each and a few badges, then timed: one board (``LeaderboardService.boards``:
the standings query, ranking and pseudonymising), a wallboard round of four watches (three
periods and one team: one query per period), and the pure diff of two 5,000-row boards.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import psycopg
from psycopg import sql

from adapters.projection_store import ProjectionTables, connect
from contact_center.bootstrap import Container
from contact_center.leaderboard_views import Period, span
from contact_center.wallboard_reads import WallboardReads, WatchKey
from contact_center.wallboard_rows import BoardView, diff
from projections.gamification_queries import standings
from projections.gamification_tables import GamificationTables

AGENTS = 5_000
TEAMS = 50
DAYS = 31
ROUNDS = 30


def seed(container: Container, rng: random.Random) -> None:
    projection = container.projections.get("gamification")
    schema = container.settings.db_schema
    with connect(container.endpoints.database_url, schema) as conn:
        ProjectionTables(conn, schema, projection).create()
        tables = GamificationTables(projection.full_name)
        today = container.leaderboards.clock.now().astimezone(ZoneInfo("Europe/Berlin")).date()
        agents = [(uuid4(), f"Agent {n:04d}", f"team-{n % TEAMS:02d}", n % 3 != 0) for n in range(AGENTS)]
        with conn.transaction(), conn.cursor() as cur:
            with cur.copy(sql.SQL("COPY {} (agent_id, display_name, team, consent) FROM STDIN").format(
                    sql.Identifier(tables.agents))) as copy:
                for row in agents:
                    copy.write_row(row)
            with cur.copy(sql.SQL("COPY {} (agent_id, day, points, earned) FROM STDIN").format(
                    sql.Identifier(tables.days))) as copy:
                for agent_id, *_ in agents:
                    for back in range(DAYS):
                        points = rng.randint(-10, 60)
                        copy.write_row((agent_id, today - timedelta(days=back), points, max(points, 0)))
            with cur.copy(sql.SQL("COPY {} (agent_id, badge_id, earned_at, day) FROM STDIN").format(
                    sql.Identifier(tables.badges))) as copy:
                for agent_id, *_ in agents[::4]:
                    moment = container.leaderboards.clock.now() - timedelta(days=rng.randint(1, 20))
                    copy.write_row((agent_id, "calls_100", moment, moment.date()))
        conn.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(tables.days)))
        conn.commit()


def timed(work: Callable[[], object], rounds: int = ROUNDS) -> dict[str, float]:
    work()  # warm: plans, pools, the served version
    seconds = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    seconds.sort()
    p99 = seconds[min(len(seconds) - 1, int(len(seconds) * 0.99))]
    return {"p50": statistics.median(seconds), "p99": p99}


def measure(container: Container) -> list[tuple[str, dict[str, float]]]:
    seed(container, random.Random(7))
    reads = WallboardReads(container.leaderboards, container.read_store, container.leaderboards.clock)
    everyone = WatchKey(Period.DAY, None)
    one = reads.boards([everyone])[everyone]
    assert len(one.agents) == AGENTS, len(one.agents)
    moved = BoardView(one.head, {k: {**r, "points": r["points"] + (k < "8")} for k, r in one.agents.items()},
                      one.teams)
    watches = [everyone, WatchKey(Period.WEEK, None), WatchKey(Period.MONTH, None),
               WatchKey(Period.DAY, "team-07")]
    version = container.leaderboards.versions.served().version
    window = span(Period.MONTH, container.leaderboards.clock.now(), ZoneInfo(version.time_zone))

    def query_only() -> None:
        with container.read_store.reading() as tx:
            standings(tx, version.tables, window.first, window.end, window.ends_at)

    return [
        ("standings query alone, month, 5,000 agents", timed(query_only)),
        ("one board, day, all 5,000 agents (query, rank, pseudonymise)",
         timed(lambda: reads.boards([everyone]))),
        ("one board, month, all 5,000 agents", timed(lambda: reads.boards([WatchKey(Period.MONTH, None)]))),
        ("wallboard round: day, week, month (all) + day of one team", timed(lambda: reads.boards(watches))),
        ("diff of two 5,000-row boards (pure)", timed(lambda: diff(one.agents, moved.agents), 200)),
    ]


def drop(database_url: str, schema: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
