"""``switchboard relay`` as subprocesses the fault tests start, kill and restart (by PID only)."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import psycopg

from adapters.relay_store import lock_key
from tests.process_helpers import SWITCHBOARD, cli_env


def relay_env(database_url: str, kafka: str, schema: str, prefix: str) -> dict[str, str]:
    return cli_env(DATABASE_URL=database_url, KAFKA_BOOTSTRAP_SERVERS=kafka,
                   SWITCHBOARD_DB_SCHEMA=schema, SWITCHBOARD_TOPIC_PREFIX=prefix)


class RelayProcesses:
    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.running: list[subprocess.Popen[bytes]] = []
        self.started = 0

    def start(self) -> subprocess.Popen[bytes]:
        self.started += 1
        with (self.log_dir / f"relay-{self.started}.log").open("wb") as log:
            proc = subprocess.Popen([*SWITCHBOARD, "relay"], env=self.env, stdout=log,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.running.append(proc)
        return proc

    def kill(self, proc: subprocess.Popen[bytes]) -> None:
        """SIGKILL: no clean-up of any kind, as in a crash."""
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        self.running.remove(proc)

    def stop(self, proc: subprocess.Popen[bytes], timeout: float = 30) -> int:
        """SIGTERM, as an operator or a supervisor would; returns the exit code."""
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout)
        self.running.remove(proc)
        return code

    def stop_all(self) -> None:
        for proc in list(self.running):
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            self.running.remove(proc)

    def logs(self) -> str:
        logs = sorted(self.log_dir.glob("relay-*.log"))
        return "\n".join(f"{p.name}: {p.read_text(errors='replace')[-3000:]}" for p in logs)


def lock_holders(database_url: str, schema: str, topic: str) -> set[int]:
    """PIDs of the relay processes holding the relay lock (from pg_locks, by application name)."""
    key = lock_key(schema, topic) & 0xFFFF_FFFF_FFFF_FFFF
    query = ("SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
             "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
             "AND l.classid::bigint = %s AND l.objid::bigint = %s")
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(query, (key >> 32, key & 0xFFFF_FFFF)).fetchall()
    return {int(name.rsplit("/", 1)[1]) for (name,) in rows if name.startswith("switchboard-relay/")}
