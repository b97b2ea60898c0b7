"""Projection lag at a paced write rate: from an event's commit to its application by a read model.

Writers save small batches of callers through the application at a fixed rate; the relay
(``switchboard relay``) and the projection workers (``switchboard projections run``) run in
processes of their own, as a deployment runs them beside the API. An
:class:`AppliedWatch` listens on the projections' NOTIFY channel (every applied batch
commits with a NOTIFY) and, after each one from a watched projection, looks up which of
the committed events it has applied, by event id in its applied table (the primary
key), and stamps them with the time.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from adapters.projection_store import applied_table, channel, connect
from bench.caller_events import EVENTS_PER_CALLER, save_callers
from bench.relay import switchboard_process
from contact_center.bootstrap import Container

RATE = 1000  # events/s, paced
SECONDS = 20.0
WARM_UP = 10.0  # seconds at RATE before the measured ones (a fresh broker's JIT, caches)
WRITERS = 4  # paced writer threads, each at RATE / WRITERS
CALLERS_PER_SAVE = 2  # 20 events per transaction
WATCHED = ("identity_lookup_v1", "caller_history_v1")
DRAIN_WAIT = 30.0  # after the last write; events still unapplied then count with their lag so far


@dataclass(frozen=True)
class LagResult:
    percentiles: dict[str, tuple[float, float, float]]  # projection → p50, p99, max (seconds)
    unapplied: dict[str, int]  # projection → events not applied within DRAIN_WAIT
    rate: float  # events/s actually written
    events: int


class AppliedWatch(threading.Thread):
    def __init__(self, database_url: str, schema: str, projections: Sequence[str]) -> None:
        super().__init__(name="applied-watch", daemon=True)
        self.conn = connect(database_url, schema, autocommit=True)
        self.conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel(schema))))
        self.incoming: queue.Queue[tuple[list[str], float]] = queue.Queue()
        self.pending: dict[str, dict[str, float]] = {p: {} for p in projections}  # id → commit time
        self.lags: dict[str, list[float]] = {p: [] for p in projections}
        self.stopping = threading.Event()

    def committed(self, ids: list[str], at: float) -> None:
        self.incoming.put((ids, at))

    def settled(self) -> bool:
        return self.incoming.empty() and not any(self.pending.values())

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                notified = {n.payload for n in self.conn.notifies(timeout=0.1, stop_after=1)}
                notified |= {n.payload for n in self.conn.notifies(timeout=0)}
                self._take_commits()
                for projection in self.pending:
                    # Without a NOTIFY only after a quiet spell: catches nothing in practice.
                    if projection in notified or not notified:
                        self._stamp(projection)
        finally:
            self.conn.close()

    def _take_commits(self) -> None:
        while True:
            try:
                ids, at = self.incoming.get_nowait()
            except queue.Empty:
                return
            for pending in self.pending.values():
                pending.update(dict.fromkeys(ids, at))

    def _stamp(self, projection: str) -> None:
        pending = self.pending[projection]
        if not pending:
            return
        try:
            rows = self.conn.execute(sql.SQL("SELECT event_id FROM {} WHERE event_id = ANY(%s)").format(
                sql.Identifier(applied_table(projection))), (list(pending),)).fetchall()
        except psycopg.errors.UndefinedTable:
            return  # no projection worker has created its tables yet
        now = time.perf_counter()
        for (event_id,) in rows:
            self.lags[projection].append(now - pending.pop(event_id))

    def censor(self) -> dict[str, int]:
        """Once stopped: count each event still unapplied with its lag so far (a lower bound)."""
        self._take_commits()
        now, left = time.perf_counter(), {}
        for projection, pending in self.pending.items():
            self.lags[projection] += [now - at for at in pending.values()]
            left[projection] = len(pending)
            pending.clear()
        return left


def wait_settled(watch: AppliedWatch, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not watch.settled():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def paced_writer(container: Container, watch: AppliedWatch, first: int, rate: float,
                 until: float, written: list[int]) -> None:
    interval, next_at, n = CALLERS_PER_SAVE * EVENTS_PER_CALLER / rate, time.perf_counter(), first
    while next_at < until:
        time.sleep(max(0.0, next_at - time.perf_counter()))
        ids = save_callers(container.app, n, CALLERS_PER_SAVE)
        watch.committed(ids, time.perf_counter())
        written.append(len(ids))
        next_at, n = next_at + interval, n + CALLERS_PER_SAVE


def percentiles(seconds: list[float]) -> tuple[float, float, float]:
    ordered = sorted(seconds)
    return ordered[len(ordered) // 2], ordered[int(len(ordered) * 0.99)], ordered[-1]


def measure_lag(container: Container, workdir: Path) -> LagResult:
    """Run ``switchboard relay`` and ``switchboard projections run`` beside the writers and
    measure at the paced rate."""
    watch = AppliedWatch(container.endpoints.database_url, container.settings.db_schema, WATCHED)
    watch.start()
    container.relay.stop()  # the relay process publishes
    with switchboard_process(container, workdir / "relay.log", "relay"), \
            switchboard_process(container, workdir / "projections.log", "projections", "run"):
        return _paced(container, watch)


def _paced(container: Container, watch: AppliedWatch) -> LagResult:
    try:
        # The first caller waits out topic creation and every worker's group join; then a few
        # seconds at the full rate, not counted, warm the broker's JIT and the caches.
        watch.committed(save_callers(container.app, 0, 1), time.perf_counter())
        if not wait_settled(watch, 120):
            raise TimeoutError("the warm-up caller was not applied within 120 s")
        write_paced(container, watch, WARM_UP, first=10**8)
        wait_settled(watch, DRAIN_WAIT)
        for lags in watch.lags.values():
            lags.clear()
        began = time.perf_counter()
        written = write_paced(container, watch, SECONDS, first=1)
        rate = written / (time.perf_counter() - began)
        wait_settled(watch, DRAIN_WAIT)
    finally:
        watch.stopping.set()
        watch.join()
    unapplied = watch.censor()
    return LagResult({p: percentiles(lags) for p, lags in watch.lags.items()}, unapplied, rate,
                     written)


def write_paced(container: Container, watch: AppliedWatch, seconds: float, first: int) -> int:
    """``WRITERS`` threads at ``RATE`` in all for ``seconds``; returns the events written."""
    written: list[int] = []
    until = time.perf_counter() + seconds
    writers = [threading.Thread(target=paced_writer, args=(
        container, watch, first + w * 10**6, RATE / WRITERS, until, written))
        for w in range(WRITERS)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    return sum(written)
