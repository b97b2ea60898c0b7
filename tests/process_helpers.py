"""Run the real ``switchboard`` command as a subprocess, as an operator would."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from adapters.services.processes import free_loopback_port, terminate

SWITCHBOARD = [sys.executable, "-m", "contact_center.cli"]


def cli_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SWITCHBOARD_") and k not in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS")}
    env.update(overrides)
    return env


def run_cli(*args: str, env: dict[str, str], timeout: float = 120,
            stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SWITCHBOARD, *args], env=env, capture_output=True, text=True,
                          timeout=timeout, check=False, input=stdin)


def wait_for_http(url: str, *, timeout: float = 30.0, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            httpx.get(url, timeout=1.0)
        except httpx.TransportError:
            time.sleep(0.05)
            continue
        return
    raise TimeoutError(f"{url} did not answer within {timeout}s")


@contextmanager
def serving(env: dict[str, str], log: Path) -> Iterator[str]:
    """Start ``switchboard serve`` on a free port; yields its base URL; stops it by PID."""
    with server_process(env, log) as (base, _):
        yield base


@contextmanager
def server_process(env: dict[str, str], log: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``switchboard serve`` on a free port: its base URL and its process."""
    port = free_loopback_port()
    with log.open("wb") as out:
        proc = subprocess.Popen([*SWITCHBOARD, "serve", "--port", str(port)], env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        # Generous: on a loaded machine (the whole suite on two cores) start-up can take long.
        wait_for_http(f"{base}/healthz", timeout=90.0, proc=proc)
        yield base, proc
    finally:
        terminate(proc.pid)
        proc.wait()
