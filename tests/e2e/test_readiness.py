"""`switchboard serve` reports readiness per dependency, and follows the broker going away and back."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from adapters.services.kafka_broker import KafkaBroker
from adapters.services.stack import Endpoints
from contact_center.settings import Settings
from tests.conftest import TEST_MASTER_KEY
from tests.process_helpers import cli_env, serving


def _ready_state(base: str) -> tuple[int, dict[str, object]]:
    response = httpx.get(f"{base}/readyz", timeout=10)
    return response.status_code, response.json()


def _wait_for_status(base: str, status: int, timeout: float = 30) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    code, body = _ready_state(base)
    while code != status and time.monotonic() < deadline:
        code, body = _ready_state(base)
    assert code == status, body
    return body


def test_readiness_follows_the_broker(services: Endpoints, pg_schema: str, tmp_path: Path) -> None:
    settings = Settings()
    broker = KafkaBroker(settings.cache_dir, tmp_path, settings.kafka_version)
    servers = broker.start()
    port = int(servers.rsplit(":", 1)[1])
    env = cli_env(DATABASE_URL=services.database_url, KAFKA_BOOTSTRAP_SERVERS=servers,
                  SWITCHBOARD_DB_SCHEMA=pg_schema, SWITCHBOARD_TOPIC_PREFIX=pg_schema,
                  SWITCHBOARD_MASTER_KEY=TEST_MASTER_KEY)
    try:
        with serving(env, tmp_path / "serve.log") as base:
            body = _wait_for_status(base, 200)
            assert body["status"] == "ready"

            broker.stop()
            body = _wait_for_status(base, 503)
            deps = body["dependencies"]
            assert isinstance(deps, dict)
            assert deps["kafka"]["ready"] is False
            assert deps["kafka"]["detail"]
            assert deps["postgres"]["ready"] is True

            broker.start(port=port)
            assert _wait_for_status(base, 200, timeout=60)["status"] == "ready"
            assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}
            assert "openapi" in httpx.get(f"{base}/openapi.json").json()
            assert "python_info" in httpx.get(f"{base}/metrics").text
    finally:
        broker.stop()
