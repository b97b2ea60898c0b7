"""Session-scoped real services for integration and end-to-end tests.

PostgreSQL and Kafka are started by the test run itself (embedded, in a temporary
data dir) unless ``DATABASE_URL`` and ``KAFKA_BOOTSTRAP_SERVERS`` point at running
ones. Each test gets its own schema and topic names so tests stay independent.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from adapters.clock import SystemClock
from adapters.services.stack import Endpoints, LocalStack
from api.app import create_app
from contact_center.access_tokens import AccessTokens
from contact_center.bootstrap import Container, bootstrap
from contact_center.commands import CommandContext
from contact_center.master_key import load_keyring
from contact_center.roles import Role
from contact_center.settings import Settings
from tests.schemas import scratch_schema

TEST_MASTER_KEY = "dGVzdC1tYXN0ZXIta2V5LXRlc3QtbWFzdGVyLWtleSE="  # 32 bytes, tests only
TEST_PASSWORD = "correct horse battery"
AuthHeaders = Callable[..., dict[str, str]]


@pytest.fixture(scope="session")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoints]:
    settings = Settings()
    stack = LocalStack(
        cache_dir=settings.cache_dir,
        data_dir=tmp_path_factory.mktemp("services"),
        kafka_version=settings.kafka_version,
        database_url=os.environ.get("DATABASE_URL"),
        kafka_bootstrap_servers=os.environ.get("KAFKA_BOOTSTRAP_SERVERS"),
    )
    try:
        yield stack.up()
    finally:
        stack.down()


@pytest.fixture
def unique_name(request: pytest.FixtureRequest) -> str:
    """A short name unique to this test, usable as schema or topic name."""
    return f"t_{uuid.uuid4().hex[:12]}"


@pytest.fixture
def pg_schema(services: Endpoints, unique_name: str) -> Iterator[str]:
    with scratch_schema(services.database_url, unique_name) as schema:
        yield schema


@pytest.fixture
def settings_for_test(services: Endpoints, pg_schema: str, tmp_path: Path) -> Settings:
    """Settings pointing at the session services, with this test's schema and topic prefix."""
    return Settings(
        database_url=services.database_url,
        kafka_bootstrap_servers=services.kafka_bootstrap_servers,
        db_schema=pg_schema,
        topic_prefix=pg_schema,
        data_dir=tmp_path / "data",
        master_key=SecretStr(TEST_MASTER_KEY),
        relay_in_process=False,  # the relay's own tests turn it on
        projections_in_process=False,  # so do the read-model tests (see the pipeline fixture)
        password_hash_time_cost=1,  # argon2id at its cheapest: tests hash many passwords
        password_hash_memory_kib=1024,
    )


@pytest.fixture
def container(settings_for_test: Settings, services: Endpoints) -> Iterator[Container]:
    built = bootstrap(settings_for_test, services)
    try:
        yield built
    finally:
        built.close()


@pytest.fixture
def client(container: Container) -> Iterator[TestClient]:
    """The API, signed in as an admin (who may use every HTTP endpoint); pass other headers
    (``auth_headers(role)``) to act in another role."""
    with TestClient(create_app(container), raise_server_exceptions=False) as test_client:
        test_client.headers.update(signed_in(container, Role.ADMIN))
        yield test_client


@pytest.fixture
def pipeline_settings(settings_for_test: Settings) -> Settings:
    """The whole path: API → event store → relay → Kafka → projections, in this process.

    Reads wait up to 20 s for the read models: a loaded machine may delay a fresh worker's
    first batch by a few seconds."""
    return settings_for_test.model_copy(update={
        "relay_in_process": True, "projections_in_process": True, "read_wait_seconds": 20.0,
        "projection_stuck_seconds": 10.0})  # a stuck worker's stack shows in a failed test's log


@pytest.fixture
def pipeline(pipeline_settings: Settings, services: Endpoints) -> Iterator[tuple[TestClient, Container]]:
    built = bootstrap(pipeline_settings, services)
    try:
        with TestClient(create_app(built), raise_server_exceptions=False) as test_client:
            test_client.headers.update(signed_in(built, Role.ADMIN))  # as the client fixture
            yield test_client, built
    finally:
        built.close()


def signed_in(container: Container, role: Role | str, *, agent_id: uuid.UUID | None = None,
              username: str | None = None) -> dict[str, str]:
    """Create a user of ``role`` (an agent user gets a new agent unless ``agent_id`` is given),
    log in with the password and return its ``Authorization`` header."""
    role = Role(role)
    if role is Role.AGENT and agent_id is None:
        name = username or f"agent-{uuid.uuid4().hex[:8]}"
        agent_id = container.agents.onboard(CommandContext(actor="test"), name.title(), name).id
    name = username or f"{role.value}-{uuid.uuid4().hex[:8]}"
    container.users.create(name, role, password=TEST_PASSWORD, agent_id=agent_id, actor="test")
    token, _ = container.sign_in.login(name, TEST_PASSWORD, "conftest")
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def auth_headers(container: Container) -> AuthHeaders:
    """``auth_headers(role, agent_id=None, username=None)``: headers of a new user of that role,
    signed in through the container the ``client`` fixture serves."""

    def headers(role: Role | str, *, agent_id: uuid.UUID | None = None,
                username: str | None = None) -> dict[str, str]:
        return signed_in(container, role, agent_id=agent_id, username=username)

    return headers


def bearer_for(role: Role | str, username: str | None = None, *,
               agent_id: uuid.UUID | None = None) -> dict[str, str]:
    """An ``Authorization`` header with an access token signed as any app on the test master
    key signs them: for module-level constants, where no container exists yet. The token names
    a principal (``<role>:<username>`` as actor) without a stored account; login itself is
    tested with real users (``signed_in``)."""
    role = Role(role)
    keyring = load_keyring(Settings(master_key=SecretStr(TEST_MASTER_KEY)))
    secret = hmac.new(keyring.current, b"access-tokens", hashlib.sha256).digest()
    token, _ = AccessTokens(secret, SystemClock(), 24 * 3600).mint(username or role.value, role, agent_id)
    return {"Authorization": f"Bearer {token}"}
