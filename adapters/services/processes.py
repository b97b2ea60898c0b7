"""Small process helpers for the embedded services: PID files, ports, waiting on a condition."""

from __future__ import annotations

import os
import signal
import socket
import time
from collections.abc import Callable
from pathlib import Path


class ServiceError(RuntimeError):
    """A service could not be started or stopped; the message is one clear line."""


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_is_taken(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
        return False


def choose_port(requested: int, what: str) -> int:
    if requested == 0:
        return free_loopback_port()
    if port_is_taken(requested):
        raise ServiceError(f"{what}: port {requested} on 127.0.0.1 is already taken")
    return requested


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child still answers kill(0); treat it as gone.
    stat = Path(f"/proc/{pid}/stat")
    if stat.exists():
        state = stat.read_text().rsplit(")", 1)[-1].split()[0]
        return state != "Z"
    return True


def read_pid(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def wait_until(
    condition: Callable[[], bool],
    *,
    timeout: float,
    interval: float = 0.1,
    failed: Callable[[], str | None] = lambda: None,
) -> bool:
    """Poll ``condition`` until it holds; stop early when ``failed`` names a reason."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        reason = failed()
        if reason is not None:
            raise ServiceError(reason)
        time.sleep(interval)
    return condition()


def terminate(pid: int, *, timeout: float = 30.0) -> None:
    """SIGTERM the process we started, escalating to SIGKILL if it does not exit."""
    if not pid_alive(pid):
        return
    os.kill(pid, signal.SIGTERM)
    if not wait_until(lambda: not pid_alive(pid), timeout=timeout):
        os.kill(pid, signal.SIGKILL)
        wait_until(lambda: not pid_alive(pid), timeout=5.0)


def last_lines(path: Path, count: int = 5) -> str:
    try:
        lines = path.read_text(errors="replace").strip().splitlines()
    except FileNotFoundError:
        return "(no log)"
    return " | ".join(line.strip() for line in lines[-count:])


def failure_reason(path: Path) -> str:
    """The most telling line of a server log: its last error or exception, else its last line."""
    try:
        lines = [line.strip() for line in path.read_text(errors="replace").splitlines()]
    except FileNotFoundError:
        return "(no log)"
    for markers in (("Exception:", "Error:", "FATAL:"), (" ERROR ", " FATAL ")):
        for line in reversed(lines):
            if any(marker in line for marker in markers):
                return line[:400]
    return lines[-1][:400] if lines else "(empty log)"
