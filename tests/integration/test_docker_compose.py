"""docker-compose.yml is valid Compose and describes the stack the docs promise.

`docker compose config` parses, validates and normalises the file without a Docker
engine, so these tests run wherever the docker client (with its compose plugin) is.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
SERVICES = ("kafka", "postgres", "app")


def _why_compose_cannot_run() -> str | None:
    docker = shutil.which("docker")
    if docker is None:
        return ("the docker client is not on PATH, so `docker compose config` cannot check "
                "docker-compose.yml (install docker-ce-cli and docker-compose-plugin)")
    probe = subprocess.run([docker, "compose", "version"], capture_output=True, text=True,
                           timeout=30, check=False)
    if probe.returncode != 0:
        return ("the docker client has no compose plugin (`docker compose version` failed), so "
                "docker-compose.yml cannot be checked (install docker-compose-plugin)")
    return None


SKIP_REASON = _why_compose_cannot_run()
pytestmark = pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or "")


def _compose(*args: str) -> subprocess.CompletedProcess[str]:
    docker = shutil.which("docker")
    assert docker is not None
    return subprocess.run(
        [docker, "compose", "-f", str(COMPOSE_FILE), *args],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    result = _compose("config", "--format", "json")
    assert result.returncode == 0, result.stderr
    loaded: dict[str, Any] = json.loads(result.stdout)
    return loaded


def test_compose_file_is_valid() -> None:
    result = _compose("config", "-q")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


def test_three_services_each_with_a_healthcheck(config: dict[str, Any]) -> None:
    services = config["services"]
    assert set(SERVICES) <= set(services)
    for name in SERVICES:
        test = services[name].get("healthcheck", {}).get("test")
        assert test, f"{name} has no healthcheck"
        assert test[0] in ("CMD", "CMD-SHELL"), f"{name}: {test}"


def test_healthchecks_probe_the_right_thing(config: dict[str, Any]) -> None:
    services = config["services"]
    assert "/opt/kafka/bin/kafka-broker-api-versions.sh" in " ".join(
        services["kafka"]["healthcheck"]["test"])
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "/healthz" in " ".join(services["app"]["healthcheck"]["test"])


def test_data_lives_in_named_volumes(config: dict[str, Any]) -> None:
    declared = set(config.get("volumes", {}))
    for name in ("kafka", "postgres"):
        mounts = config["services"][name].get("volumes", [])
        named = [m for m in mounts if m.get("type") == "volume" and m.get("source") in declared]
        assert named, f"{name} keeps its data outside a named volume: {mounts}"


def test_kafka_is_single_node_kraft_without_zookeeper(config: dict[str, Any]) -> None:
    kafka = config["services"]["kafka"]
    assert kafka["image"].startswith("apache/kafka:4.")
    env: dict[str, str] = kafka["environment"]
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert "CONTROLLER" in env["KAFKA_CONTROLLER_LISTENER_NAMES"]
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"].startswith(f"{env['KAFKA_NODE_ID']}@")
    for replication in ("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
                        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
                        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"):
        assert env[replication] == "1"
    assert not [key for key in env if "ZOOKEEPER" in key.upper()]


def test_app_waits_for_healthy_dependencies(config: dict[str, Any]) -> None:
    app = config["services"]["app"]
    assert app["build"]["context"] == str(ROOT)
    assert {name: dep["condition"] for name, dep in app["depends_on"].items()} == {
        "kafka": "service_healthy", "postgres": "service_healthy"}
    env: dict[str, str] = app["environment"]
    assert env["DATABASE_URL"] == "postgresql://postgres:postgres@postgres:5432/postgres"
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
    assert {(p["published"], p["target"]) for p in app["ports"]} == {("8000", 8000)}
