"""`switchboard services` as an operator uses it: idempotent, clear one-line errors, no hangs."""

from __future__ import annotations

import os
import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.services.processes import pid_alive, read_pid, wait_until
from adapters.services.stack import Endpoints
from tests.process_helpers import cli_env, run_cli


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def _one_line_error(output: str) -> str:
    lines = [line for line in output.strip().splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert lines[0].startswith("error:"), output
    return lines[0]


def test_down_when_nothing_runs_says_so(tmp_path: Path) -> None:
    result = run_cli("services", "down", env=cli_env(SWITCHBOARD_DATA_DIR=str(tmp_path)))
    assert result.returncode == 0
    assert "nothing was running" in result.stdout


def test_postgres_port_taken_is_a_clear_error(tmp_path: Path, taken_port: int) -> None:
    env = cli_env(SWITCHBOARD_DATA_DIR=str(tmp_path), SWITCHBOARD_POSTGRES_PORT=str(taken_port))
    result = run_cli("services", "up", env=env)
    assert result.returncode == 1
    assert f"port {taken_port}" in _one_line_error(result.stdout)


def test_kafka_port_taken_is_a_clear_error(
    services: Endpoints, tmp_path: Path, taken_port: int
) -> None:
    env = cli_env(SWITCHBOARD_DATA_DIR=str(tmp_path), DATABASE_URL=services.database_url,
                  SWITCHBOARD_KAFKA_PORT=str(taken_port))
    result = run_cli("services", "up", env=env)
    assert result.returncode == 1
    assert f"Kafka: port {taken_port}" in _one_line_error(result.stdout)


def test_corrupt_kafka_storage_fails_fast(services: Endpoints, tmp_path: Path) -> None:
    storage = tmp_path / "kafka" / "data"
    storage.mkdir(parents=True)
    (storage / "meta.properties").write_text("this is not a kafka storage directory\n")
    env = cli_env(SWITCHBOARD_DATA_DIR=str(tmp_path), DATABASE_URL=services.database_url)
    result = run_cli("services", "up", env=env, timeout=90)
    assert result.returncode == 1
    assert "Kafka broker exited at start-up" in _one_line_error(result.stdout)


def test_up_twice_then_stale_pid_then_down(services: Endpoints, tmp_path: Path) -> None:
    env = cli_env(SWITCHBOARD_DATA_DIR=str(tmp_path), DATABASE_URL=services.database_url)
    first = run_cli("services", "up", env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "kafka: started" in first.stdout
    second = run_cli("services", "up", env=env)
    assert second.returncode == 0
    assert "kafka: already running" in second.stdout

    pid_file = tmp_path / "kafka" / "broker.pid"
    pid = read_pid(pid_file)
    assert pid is not None
    os.kill(pid, signal.SIGKILL)  # the broker dies behind our back, leaving a stale PID file
    assert wait_until(lambda: not pid_alive(pid), timeout=10)
    assert "no" in run_cli("services", "status", env=env).stdout

    again = run_cli("services", "up", env=env)
    assert again.returncode == 0, again.stdout
    assert "kafka: started" in again.stdout
    assert read_pid(pid_file) != pid

    down = run_cli("services", "down", env=env)
    assert down.returncode == 0
    assert "stopped: kafka" in down.stdout
    assert run_cli("services", "down", env=env).stdout.strip() == "nothing was running"
