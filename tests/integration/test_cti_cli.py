"""`switchboard cti add-integration` as an operator runs it: the token printed once and only
its hash stored, numbers normalised, clear one-line errors."""

from __future__ import annotations

import hashlib

import psycopg
from psycopg import sql

from adapters.services.stack import Endpoints
from contact_center.bootstrap import Container
from contact_center.settings import Settings
from tests.conftest import TEST_MASTER_KEY
from tests.process_helpers import cli_env, run_cli


def test_add_integration_prints_the_token_once(settings_for_test: Settings, services: Endpoints,
                                                container: Container) -> None:
    env = cli_env(DATABASE_URL=services.database_url,
                  KAFKA_BOOTSTRAP_SERVERS=services.kafka_bootstrap_servers,
                  SWITCHBOARD_DB_SCHEMA=settings_for_test.db_schema,
                  SWITCHBOARD_MASTER_KEY=TEST_MASTER_KEY,
                  SWITCHBOARD_DATA_DIR=str(settings_for_test.data_dir))
    added = run_cli("cti", "add-integration", "office-pbx", "--block", "0221 555 0199",
                    "--block", "anonymous", "--caller-id-rule", "4989*=498999998145",
                    "--caller-id-rule", "*=+49 69 90009111", env=env)
    assert added.returncode == 0, added.stdout + added.stderr
    (token,) = [line for line in added.stdout.splitlines() if line.count(".") == 1 and " " not in line]
    integration = container.cti.integrations.authenticate(token)
    assert integration is not None
    assert integration.blocked == {"+492215550199", "withheld"}
    assert [(r.pattern, r.caller_id) for r in integration.caller_id_rules] == [
        ("+4989*", "+498999998145"), ("*", "+496990009111")]
    query = sql.SQL("SELECT token_sha256 FROM {}.cti_integrations").format(
        sql.Identifier(settings_for_test.db_schema))
    with psycopg.connect(services.database_url) as conn:
        stored = conn.execute(query).fetchall()
    assert stored == [(hashlib.sha256(token.encode()).digest(),)]

    again = run_cli("cti", "add-integration", "office-pbx", env=env)
    assert again.returncode == 1
    assert "exists" in again.stdout
    bad_rule = run_cli("cti", "add-integration", "other", "--caller-id-rule", "4989*", env=env)
    assert bad_rule.returncode == 1
    assert "PATTERN=CALLERID" in bad_rule.stdout
    listed = run_cli("cti", "list", env=env)
    assert listed.stdout.split() == ["office-pbx"]
